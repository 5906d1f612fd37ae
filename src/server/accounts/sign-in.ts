import 'server-only';
import { hashPassword, verifyPassword } from 'better-auth/crypto';
import { APIError } from 'better-auth';
import { and, eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { accounts } from '@/db/schema';
import { writeAudit } from '../audit/audit';
import type { Auth } from './better-auth';
import { isLegacyHash, verifyLegacyHash } from './legacy-password';
import { clearPairFailures, recordFailure, throttleMessage, throttleWait } from './throttle';

export const WRONG_CREDENTIALS = 'Wrong email or password.';

export type SignInResult =
  | { ok: true; userId: string; token: string; headers: Headers }
  | { ok: false; error: string };

/**
 * Email + password sign-in through better-auth, behind our throttle (see THROTTLE: growing delays per
 * account and address and per address, a high ceiling per account; refusals are audited). An unknown
 * email and a wrong password get the same answer, so the form cannot be used to discover accounts.
 */
export async function signInWithPassword(
  db: Db,
  auth: Auth,
  input: { email: string; password: string; address: string | null; headers?: Headers },
  now = new Date(),
): Promise<SignInResult> {
  const keys = { email: input.email, address: input.address };
  const wait = await throttleWait(db, keys, now);
  if (wait > 0) {
    await writeAudit(db, {
      projectId: null,
      actor: null,
      action: 'sign_in.throttled',
      target: input.email.trim().toLowerCase(),
      after: { address: input.address },
    });
    return { ok: false, error: throttleMessage(wait) };
  }
  try {
    const res = await auth.api.signInEmail({
      body: { email: input.email.trim().toLowerCase(), password: input.password },
      headers: input.headers ?? new Headers(),
      returnHeaders: true,
    });
    await clearPairFailures(db, keys);
    await upgradeLegacyHash(db, res.response.user.id, input.password);
    return { ok: true, userId: res.response.user.id, token: res.response.token, headers: res.headers };
  } catch (err) {
    if (!(err instanceof APIError) || err.statusCode >= 500) throw err;
    await recordFailure(db, keys, now);
    return { ok: false, error: WRONG_CREDENTIALS };
  }
}

/** The first sign-in after the upgrade from the single admin password rehashes it with better-auth. */
async function upgradeLegacyHash(db: Db, userId: string, password: string) {
  const where = and(eq(accounts.userId, userId), eq(accounts.providerId, 'credential'));
  const [row] = await db.select({ password: accounts.password }).from(accounts).where(where);
  if (row?.password && isLegacyHash(row.password)) {
    await db
      .update(accounts)
      .set({ password: await hashPassword(password) })
      .where(where);
  }
}

/** The signed-in user of a request (by its session cookie), or null: reads the session row every time. */
export async function sessionUser(auth: Auth, headers: Headers) {
  const s = await auth.api.getSession({ headers });
  if (!s) return null;
  const user = s.user as typeof s.user & { isAdmin?: boolean };
  return {
    sessionId: s.session.id,
    actor: { id: user.id, email: user.email, isAdmin: user.isAdmin === true },
    name: user.name,
  };
}

export type SessionUser = NonNullable<Awaited<ReturnType<typeof sessionUser>>>;

/** Checks a user's current password (before changing it), with either hash format. */
export async function verifyUserPassword(db: Db, userId: string, password: string): Promise<boolean> {
  const [row] = await db
    .select({ password: accounts.password })
    .from(accounts)
    .where(and(eq(accounts.userId, userId), eq(accounts.providerId, 'credential')));
  if (!row?.password) return false;
  return isLegacyHash(row.password)
    ? verifyLegacyHash(password, row.password)
    : verifyPassword({ hash: row.password, password });
}
