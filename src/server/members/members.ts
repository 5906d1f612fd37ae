import 'server-only';
import { and, asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { type ProjectRole, projectMembers, users } from '@/db/schema';
import { revokeSessions } from '../accounts/users';
import { AppError } from '../errors';

export type MemberRow = { userId: string; email: string; name: string; role: ProjectRole; createdAt: Date };

export async function listMembers(db: DbOrTx, projectId: string): Promise<MemberRow[]> {
  return db
    .select({
      userId: projectMembers.userId,
      email: users.email,
      name: users.name,
      role: projectMembers.role,
      createdAt: projectMembers.createdAt,
    })
    .from(projectMembers)
    .innerJoin(users, eq(users.id, projectMembers.userId))
    .where(eq(projectMembers.projectId, projectId))
    .orderBy(asc(projectMembers.createdAt));
}

export async function getMember(db: DbOrTx, projectId: string, userId: string): Promise<MemberRow | null> {
  return (await listMembers(db, projectId)).find((m) => m.userId === userId) ?? null;
}

/** Adds the user to the project, or sets their role when they are already a member. */
export async function putMember(
  db: DbOrTx,
  projectId: string,
  userId: string,
  role: ProjectRole,
): Promise<void> {
  await db
    .insert(projectMembers)
    .values({ projectId, userId, role })
    .onConflictDoUpdate({ target: [projectMembers.projectId, projectMembers.userId], set: { role } });
}

/**
 * Refuses to demote or remove the last owner. The owners' rows are locked first, so two owners
 * demoting each other at once cannot both pass the count (callers run this in the change's transaction).
 */
async function assertOtherOwner(db: DbOrTx, projectId: string, userId: string) {
  const owners = await db
    .select({ userId: projectMembers.userId })
    .from(projectMembers)
    .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.role, 'owner')))
    .for('update');
  if (owners.some((o) => o.userId === userId) && owners.length <= 1) {
    throw new AppError('conflict', 'A project keeps at least one owner: make someone else owner first');
  }
}

/** Changes a member's role; answers the member before and after. */
export async function changeMemberRole(
  db: DbOrTx,
  projectId: string,
  userId: string,
  role: ProjectRole,
): Promise<{ before: MemberRow; after: MemberRow }> {
  const before = await getMember(db, projectId, userId);
  if (!before) throw new AppError('not_found', 'Member not found');
  if (role !== 'owner') await assertOtherOwner(db, projectId, userId);
  await putMember(db, projectId, userId, role);
  return { before, after: { ...before, role } };
}

/**
 * Removes a member and ends their sessions, so an open tab is signed out on its next request
 * (signing in again shows only the projects they still belong to).
 */
export async function removeMember(db: DbOrTx, projectId: string, userId: string): Promise<MemberRow> {
  const before = await getMember(db, projectId, userId);
  if (!before) throw new AppError('not_found', 'Member not found');
  await assertOtherOwner(db, projectId, userId);
  await db
    .delete(projectMembers)
    .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.userId, userId)));
  await revokeSessions(db, userId);
  return before;
}
