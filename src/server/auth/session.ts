import 'server-only';
import { jwtVerify, SignJWT } from 'jose';
import type { DbOrTx } from '@/db/client';
import { sessionSecret } from './admin';

/** How long a dashboard session lasts. The cookie carrying it is set by the app (src/lib/session.ts). */
export const SESSION_DAYS = 7;

export type Session = { user: 'admin'; expiresAt: Date };

/** A signed session token (HS256 with the instance's secret) and when it expires. */
export async function signSessionToken(
  db: DbOrTx,
  now = new Date(),
): Promise<{ token: string; expiresAt: Date }> {
  const expiresAt = new Date(now.getTime() + SESSION_DAYS * 86_400_000);
  const token = await new SignJWT({ role: 'admin' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('admin')
    .setIssuedAt()
    .setExpirationTime(expiresAt)
    .sign(await sessionSecret(db));
  return { token, expiresAt };
}

/** The session a token carries, or null (bad signature, expired, not an admin token). */
export async function verifySessionToken(db: DbOrTx, token: string): Promise<Session | null> {
  try {
    const { payload } = await jwtVerify(token, await sessionSecret(db), { algorithms: ['HS256'] });
    if (payload.sub !== 'admin' || !payload.exp) return null;
    return { user: 'admin', expiresAt: new Date(payload.exp * 1000) };
  } catch {
    return null;
  }
}
