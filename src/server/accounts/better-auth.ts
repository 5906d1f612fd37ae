import 'server-only';
import { randomBytes } from 'node:crypto';
import { betterAuth } from 'better-auth';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { hashPassword, verifyPassword } from 'better-auth/crypto';
import { nextCookies } from 'better-auth/next-js';
import { type Db, getDb } from '@/db/client';
import { accounts, sessions, users, verifications } from '@/db/schema';
import { env } from '@/lib/env';
import { setSettingOnce } from '../settings/app-settings';
import { isLegacyHash, verifyLegacyHash } from './legacy-password';

export const SESSION_COOKIE_PREFIX = 'rl';
const SESSION_DAYS = 7;

/**
 * The better-auth instance over our Drizzle schema: email + password, server-side sessions (each
 * request reads its session row, so deleting the row signs that browser out at once), no public
 * sign-up (accounts come from the first start, invites and the CLI). Sign-in throttling is ours
 * (accounts/throttle.ts): it counts per account and per address, which better-auth's limiter does not.
 */
export function createAuth(db: Db, secret: string) {
  return betterAuth({
    secret,
    baseURL: env().BETTER_AUTH_URL ?? 'http://localhost:3000',
    database: drizzleAdapter(db, {
      provider: 'pg',
      usePlural: true,
      schema: { users, sessions, accounts, verifications },
    }),
    emailAndPassword: {
      enabled: true,
      disableSignUp: true,
      minPasswordLength: 8,
      maxPasswordLength: 200,
      password: {
        hash: hashPassword,
        verify: ({ hash, password }) =>
          isLegacyHash(hash) ? verifyLegacyHash(password, hash) : verifyPassword({ hash, password }),
      },
    },
    user: {
      additionalFields: { isAdmin: { type: 'boolean', defaultValue: false, input: false } },
    },
    session: {
      expiresIn: SESSION_DAYS * 86_400,
      // The cookie only names the row; the row is the truth, read on every request.
      cookieCache: { enabled: false },
      disableSessionRefresh: true,
    },
    rateLimit: { enabled: false },
    advanced: {
      cookiePrefix: SESSION_COOKIE_PREFIX,
      // The endpoints are only called from our server actions, which check the Origin themselves
      // (src/lib/actions.ts); there is no public /api/auth handler.
      disableCSRFCheck: true,
    },
    telemetry: { enabled: false },
    plugins: [nextCookies()],
  });
}

export type Auth = ReturnType<typeof createAuth>;

const globalForAuth = globalThis as unknown as { __runledgerAuth?: Promise<Auth> };

/** The secret that signs session cookies: RUNLEDGER_SESSION_SECRET, or one generated once and stored. */
export async function sessionSecret(db: Db): Promise<string> {
  return (
    env().RUNLEDGER_SESSION_SECRET ??
    (await setSettingOnce(db, 'session_secret', randomBytes(32).toString('base64url')))
  );
}

/** The process-wide instance on the app's database. */
export function getAuth(): Promise<Auth> {
  globalForAuth.__runledgerAuth ??= (async () => {
    const db = getDb();
    return createAuth(db, await sessionSecret(db));
  })().catch((err) => {
    globalForAuth.__runledgerAuth = undefined;
    throw err;
  });
  return globalForAuth.__runledgerAuth;
}
