'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { projectRole } from '@/db/schema';
import { validatedAction } from '@/app/_lib/actions';
import { projectRoute } from '@/lib/project-path';
import {
  changeMemberAudited,
  createInviteAudited,
  removeMemberAudited,
  revokeInviteAudited,
} from '@/server/members/audited';
import { auditScope, projectFor } from '@/app/(dashboard)/_lib/project';

const role = z.enum(projectRole.enumValues, { error: 'Choose viewer, editor or owner' });

/** Members and invites are the owner's (an instance admin owns every project); retention is in settings/retention. */
async function ownerScope() {
  const access = await projectFor('owner');
  return { ...auditScope(access), userId: access.actor.id };
}

export const createInvite = validatedAction(z.object({ role }), async ({ role }) => {
  const { token, invite } = await createInviteAudited(getDb(), await ownerScope(), role);
  revalidatePath(projectRoute('settings', 'members'), 'page');
  // The token is answered once; the browser prefixes its own origin to make the link.
  return { path: `/invite/${token}`, role: invite.role, expiresAt: invite.expiresAt.toISOString() };
});

export const revokeInvite = validatedAction(z.object({ inviteId: z.uuid() }), async ({ inviteId }) => {
  await revokeInviteAudited(getDb(), await ownerScope(), inviteId);
  revalidatePath(projectRoute('settings', 'members'), 'page');
  return {};
});

export const changeMember = validatedAction(
  z.object({ userId: z.string().min(1).max(100), role }),
  async ({ userId, role }) => {
    await changeMemberAudited(getDb(), await ownerScope(), userId, role);
    revalidatePath(projectRoute('settings', 'members'), 'page');
    return {};
  },
);

export const removeMember = validatedAction(
  z.object({ userId: z.string().min(1).max(100) }),
  async ({ userId }) => {
    await removeMemberAudited(getDb(), await ownerScope(), userId);
    revalidatePath(projectRoute('settings', 'members'), 'page');
    return {};
  },
);
