import 'server-only';
import type { Db } from '@/db/client';
import type { ProjectRole } from '@/db/schema';
import { type AuditScope, audited } from '../audit/audit';
import { createInvite, revokeInvite } from './invites';
import { changeMemberRole, removeMember } from './members';

// Member and invite writes, each with its audit entry in its transaction.

export function createInviteAudited(db: Db, s: AuditScope & { userId: string | null }, role: ProjectRole) {
  const { actor, projectId } = s;
  return audited(db, { actor, projectId }, 'member.invited', async (tx) => {
    const created = await createInvite(tx, { projectId, role, createdBy: s.userId });
    return { value: created, target: created.invite.id, after: { role } };
  });
}

export function revokeInviteAudited(db: Db, s: AuditScope, inviteId: string) {
  return audited(db, s, 'invite.revoked', async (tx) => {
    const invite = await revokeInvite(tx, s.projectId, inviteId);
    return { value: undefined, target: inviteId, before: { role: invite.role } };
  });
}

export function changeMemberAudited(db: Db, s: AuditScope, userId: string, role: ProjectRole) {
  return audited(db, s, 'member.changed', async (tx) => {
    const { before, after } = await changeMemberRole(tx, s.projectId, userId, role);
    return {
      value: undefined,
      target: before.email,
      before: { role: before.role },
      after: { role: after.role },
    };
  });
}

export function removeMemberAudited(db: Db, s: AuditScope, userId: string) {
  return audited(db, s, 'member.removed', async (tx) => {
    const before = await removeMember(tx, s.projectId, userId);
    return { value: undefined, target: before.email, before: { role: before.role } };
  });
}
