import 'server-only';
import { randomBytes, randomUUID } from 'node:crypto';
import { hashPassword } from 'better-auth/crypto';
import { and, asc, eq, ne } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { accounts, sessions, type User, users } from '@/db/schema';
import { PG_UNIQUE_VIOLATION, pgErrorCode } from '@/db/sql';
import { AppError } from '../errors';

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/** A password for people to type once and change: 24 URL-safe characters. */
export const generatePassword = () => randomBytes(18).toString('base64url');

/**
 * Creates a user with a password credential (hashed by better-auth's scrypt), or with an already
 * hashed one (`passwordHash`, the upgrade from the single admin password). Refuses a taken email.
 */
export async function createUser(
  db: DbOrTx,
  input: { email: string; name: string; password?: string; passwordHash?: string; isAdmin?: boolean },
): Promise<User> {
  const hash = input.passwordHash ?? (await hashPassword(input.password ?? generatePassword()));
  const id = randomUUID();
  const email = normalizeEmail(input.email);
  try {
    const [user] = await db
      .insert(users)
      .values({ id, email, name: input.name, isAdmin: input.isAdmin ?? false })
      .returning();
    await db
      .insert(accounts)
      .values({ id: randomUUID(), accountId: id, providerId: 'credential', userId: id, password: hash });
    return user!;
  } catch (err) {
    if (pgErrorCode(err) === PG_UNIQUE_VIOLATION)
      throw new AppError('conflict', `A user with email ${email} exists`);
    throw err;
  }
}

export async function getUserByEmail(db: DbOrTx, email: string): Promise<User | null> {
  const [row] = await db
    .select()
    .from(users)
    .where(eq(users.email, normalizeEmail(email)));
  return row ?? null;
}

export async function getUserById(db: DbOrTx, id: string): Promise<User | null> {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row ?? null;
}

export async function listUsers(db: DbOrTx): Promise<User[]> {
  return db.select().from(users).orderBy(asc(users.createdAt));
}

export async function countUsers(db: DbOrTx): Promise<number> {
  return (await db.select({ id: users.id }).from(users).limit(1)).length;
}

/** Sets a new password and ends every session of the user except `keepSessionId` (the caller's). */
export async function setPassword(
  db: DbOrTx,
  userId: string,
  password: string,
  keepSessionId?: string,
): Promise<void> {
  await db
    .update(accounts)
    .set({ password: await hashPassword(password), updatedAt: new Date() })
    .where(and(eq(accounts.userId, userId), eq(accounts.providerId, 'credential')));
  await revokeSessions(db, userId, keepSessionId);
}

/** Ends the user's sessions (all, or all but one): their next request is signed out. */
export async function revokeSessions(db: DbOrTx, userId: string, keepSessionId?: string): Promise<number> {
  const rows = await db
    .delete(sessions)
    .where(
      keepSessionId
        ? and(eq(sessions.userId, userId), ne(sessions.id, keepSessionId))
        : eq(sessions.userId, userId),
    )
    .returning({ id: sessions.id });
  return rows.length;
}

/** Removes a user from the instance: their sessions, credentials and memberships go with them. */
export async function deleteUser(db: DbOrTx, userId: string): Promise<void> {
  const rows = await db.delete(users).where(eq(users.id, userId)).returning({ id: users.id });
  if (rows.length === 0) throw new AppError('not_found', 'User not found');
}
