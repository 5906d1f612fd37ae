import 'server-only';
import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { type Invite, invites, type Project, type ProjectRole, projects } from '@/db/schema';
import { AppError } from '../errors';

export const INVITE_DAYS = 7;

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Creates an invite; the plain token (for the link `/invite/<token>`) is answered once. */
export async function createInvite(
  db: DbOrTx,
  input: { projectId: string; role: ProjectRole; createdBy: string | null; now?: Date },
): Promise<{ token: string; invite: Invite }> {
  const token = randomBytes(32).toString('base64url');
  const now = input.now ?? new Date();
  const [invite] = await db
    .insert(invites)
    .values({
      projectId: input.projectId,
      role: input.role,
      tokenHash: hashToken(token),
      createdBy: input.createdBy,
      createdAt: now,
      expiresAt: new Date(now.getTime() + INVITE_DAYS * 86_400_000),
    })
    .returning();
  return { token, invite: invite! };
}

/** The open invites of a project (not used, not expired), newest first. */
export async function listOpenInvites(db: DbOrTx, projectId: string): Promise<Invite[]> {
  return db
    .select()
    .from(invites)
    .where(and(eq(invites.projectId, projectId), isNull(invites.usedAt), gt(invites.expiresAt, new Date())))
    .orderBy(desc(invites.createdAt));
}

/** An invite that can still be used, with its project; null for an unknown, used or expired token. */
export async function findUsableInvite(
  db: DbOrTx,
  token: string,
  now = new Date(),
): Promise<{ invite: Invite; project: Project } | null> {
  const [row] = await db
    .select({ invite: invites, project: projects })
    .from(invites)
    .innerJoin(projects, eq(projects.id, invites.projectId))
    .where(and(eq(invites.tokenHash, hashToken(token)), isNull(invites.usedAt), gt(invites.expiresAt, now)));
  return row ?? null;
}

/**
 * Marks the invite used by `userId` in one conditional statement, so two people opening the same
 * link at once cannot both join. Throws when the link is unknown, used or expired.
 */
export async function consumeInvite(db: DbOrTx, token: string, userId: string, now = new Date()) {
  const [row] = await db
    .update(invites)
    .set({ usedAt: now, usedBy: userId })
    .where(and(eq(invites.tokenHash, hashToken(token)), isNull(invites.usedAt), gt(invites.expiresAt, now)))
    .returning();
  if (!row) throw new AppError('not_found', 'This invite link is not valid: it was used or has expired');
  return row;
}

export async function revokeInvite(db: DbOrTx, projectId: string, inviteId: string): Promise<Invite> {
  const [row] = await db
    .delete(invites)
    .where(and(eq(invites.id, inviteId), eq(invites.projectId, projectId), isNull(invites.usedAt)))
    .returning();
  if (!row) throw new AppError('not_found', 'Invite not found');
  return row;
}
