import 'server-only';
import type { Db } from '@/db/client';
import type { User } from '@/db/schema';
import { hasRole } from '../access/roles';
import { createUser, getUserById } from '../accounts/users';
import { writeAudit } from '../audit/audit';
import { AppError } from '../errors';
import { consumeInvite } from './invites';
import { getMember, putMember } from './members';

/**
 * Uses an invite: an existing user (`userId`) joins the project, or a new person gets an account.
 * One transaction: the account, the invite's use, the membership and the audit entry commit together,
 * and a used or expired invite leaves no account behind.
 */
export async function acceptInvite(
  db: Db,
  token: string,
  who: { userId: string } | { email: string; name: string; password: string },
  now = new Date(),
): Promise<{ user: User; projectId: string }> {
  return db.transaction(async (tx) => {
    let user: User | null;
    if ('userId' in who) {
      user = await getUserById(tx, who.userId);
      if (!user) throw new AppError('not_found', 'User not found');
    } else {
      user = await createUser(tx, who).catch((err) => {
        if (err instanceof AppError && err.code === 'conflict') {
          throw new AppError(
            'conflict',
            'An account with this email exists: sign in, then open the link again',
          );
        }
        throw err;
      });
    }
    const invite = await consumeInvite(tx, token, user.id, now);
    const existing = await getMember(tx, invite.projectId, user.id);
    if (!existing || !hasRole(existing.role, invite.role)) {
      await putMember(tx, invite.projectId, user.id, invite.role);
    }
    await writeAudit(tx, {
      projectId: invite.projectId,
      actor: { id: user.id, email: user.email },
      action: 'member.joined',
      target: user.email,
      before: existing ? { role: existing.role } : null,
      after: { role: existing && hasRole(existing.role, invite.role) ? existing.role : invite.role },
    });
    return { user, projectId: invite.projectId };
  });
}
