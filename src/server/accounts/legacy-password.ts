import 'server-only';
import { scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

/** A hash written by runledger before accounts existed: `scrypt$N$r$p$salt$hash` (base64url). */
export const isLegacyHash = (stored: string) => stored.startsWith('scrypt$');

/**
 * Verifies the admin password hash of an install upgraded from before accounts. Used only until the
 * owner signs in once: that sign-in rehashes the password with better-auth (see accounts/auth.ts).
 */
export async function verifyLegacyHash(password: string, stored: string): Promise<boolean> {
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
