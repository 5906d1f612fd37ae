import 'server-only';
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { DbOrTx } from '@/db/client';
import { env } from '@/lib/env';
import { getSetting, setSettingOnce } from './settings';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

const PASSWORD_KEY = 'admin_password_hash';
const SECRET_KEY = 'session_secret';
const N = 16384;
const R = 8;
const P = 1;

/** `scrypt$N$r$p$salt$hash` (base64url), so the parameters can change without breaking stored hashes. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, 32, { N, r: R, p: P, maxmem: 64 * 1024 * 1024 });
  return ['scrypt', N, R, P, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, hash] = stored.split('$');
  if (alg !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: 64 * 1024 * 1024,
  });
  return timingSafeEqual(actual, expected);
}

/**
 * First start without RUNLEDGER_ADMIN_PASSWORD: generates a password, stores only its hash and returns
 * the plain password so the caller can print it once. Null when nothing was generated.
 */
export async function ensureAdminPassword(db: DbOrTx): Promise<string | null> {
  if (env().RUNLEDGER_ADMIN_PASSWORD) return null;
  if (await getSetting(db, PASSWORD_KEY)) return null;
  const password = randomBytes(18).toString('base64url');
  const stored = await setSettingOnce(db, PASSWORD_KEY, await hashPassword(password));
  // Another process may have won the race: then its password is the one, and it printed it.
  return (await verifyPassword(password, stored)) ? password : null;
}

/** Checks a sign-in attempt: against RUNLEDGER_ADMIN_PASSWORD when set, else the stored hash. */
export async function checkAdminPassword(db: DbOrTx, password: string): Promise<boolean> {
  const fromEnv = env().RUNLEDGER_ADMIN_PASSWORD;
  if (fromEnv) {
    // Compare fixed-length digests so the comparison time does not depend on where they differ.
    const salt = Buffer.alloc(16);
    const opts = { N: 1024, r: 8, p: 1, maxmem: 32 * 1024 * 1024 };
    const [a, b] = await Promise.all([
      scryptAsync(password, salt, 32, opts),
      scryptAsync(fromEnv, salt, 32, opts),
    ]);
    return timingSafeEqual(a, b);
  }
  const stored = await getSetting(db, PASSWORD_KEY);
  return stored ? verifyPassword(password, stored) : false;
}

const globalForSecret = globalThis as unknown as { __runledgerSessionSecret?: Promise<Uint8Array> };

/** The HS256 key for session tokens: RUNLEDGER_SESSION_SECRET, or one generated once and stored. */
export function sessionSecret(db: DbOrTx): Promise<Uint8Array> {
  globalForSecret.__runledgerSessionSecret ??= (async () => {
    const fromEnv = env().RUNLEDGER_SESSION_SECRET;
    const secret = fromEnv ?? (await setSettingOnce(db, SECRET_KEY, randomBytes(32).toString('base64url')));
    return new TextEncoder().encode(secret);
  })().catch((err) => {
    globalForSecret.__runledgerSessionSecret = undefined;
    throw err;
  });
  return globalForSecret.__runledgerSessionSecret;
}
