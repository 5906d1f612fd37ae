import { randomUUID } from 'node:crypto';
import { hashPassword } from 'better-auth/crypto';
import type { Db } from '@/db/client';
import type { ProjectRole } from '@/db/schema';
import { createAuth } from '@/server/accounts/better-auth';
import { signInWithPassword } from '@/server/accounts/sign-in';
import { createUser } from '@/server/accounts/users';
import { putMember } from '@/server/members';

export const TEST_SECRET = 'test-secret-test-secret-test-secret-0123';
export const PASSWORD = 'correct horse battery';

export const testAuth = (db: Db) => createAuth(db, TEST_SECRET);

// scrypt is deliberately slow (tens of ms a hash): users made for tests share one hash of PASSWORD.
let passwordHash: Promise<string> | undefined;

/** A user with PASSWORD, optionally a member of `projectId` with `role`. */
export async function makeUser(
  db: Db,
  opts: { projectId?: string; role?: ProjectRole; isAdmin?: boolean } = {},
) {
  passwordHash ??= hashPassword(PASSWORD);
  const user = await createUser(db, {
    email: `u-${randomUUID().slice(0, 8)}@example.com`,
    name: 'Test User',
    passwordHash: await passwordHash,
    isAdmin: opts.isAdmin,
  });
  if (opts.projectId && opts.role) await putMember(db, opts.projectId, user.id, opts.role);
  return user;
}

/** Signs in through better-auth and answers the Cookie header a browser would send next. */
export async function signInCookie(db: Db, email: string, password = PASSWORD, address = '10.0.0.1') {
  const result = await signInWithPassword(db, testAuth(db), { email, password, address });
  if (!result.ok) throw new Error(result.error);
  const setCookie = result.headers.get('set-cookie') ?? '';
  const match = /(rl\.session_token=[^;]+)/.exec(setCookie);
  if (!match) throw new Error(`no session cookie in ${setCookie}`);
  return match[1]!;
}
