import 'server-only';
import { jwtVerify, SignJWT } from 'jose';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import { startServer } from '../startup';
import { sessionSecret } from './admin';

export const SESSION_COOKIE = 'rl_session';
const SESSION_DAYS = 7;

export type Session = { user: 'admin'; expiresAt: Date };

async function key(): Promise<Uint8Array> {
  await startServer();
  return sessionSecret(getDb());
}

async function isHttps(): Promise<boolean> {
  const h = await headers();
  const proto = h.get('x-forwarded-proto') ?? '';
  return proto.split(',')[0]?.trim() === 'https' || (h.get('origin') ?? '').startsWith('https:');
}

/** Signs a session token and sets it as an httpOnly, SameSite=Lax cookie (Secure over https). */
export async function createSession(): Promise<void> {
  const expiresAt = new Date(Date.now() + SESSION_DAYS * 86_400_000);
  const token = await new SignJWT({ role: 'admin' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('admin')
    .setIssuedAt()
    .setExpirationTime(expiresAt)
    .sign(await key());
  (await cookies()).set(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: await isHttps(),
    path: '/',
    expires: expiresAt,
  });
}

export async function destroySession(): Promise<void> {
  (await cookies()).delete(SESSION_COOKIE);
}

/** The verified session, or null (no cookie, bad signature, expired). */
export async function getSession(): Promise<Session | null> {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!token) return null;
  try {
    const { payload } = await jwtVerify(token, await key(), { algorithms: ['HS256'] });
    if (payload.sub !== 'admin' || !payload.exp) return null;
    return { user: 'admin', expiresAt: new Date(payload.exp * 1000) };
  } catch {
    return null;
  }
}

/** Every dashboard page and server action calls this: no valid session, straight to /login. */
export async function requireSession(): Promise<Session> {
  const session = await getSession();
  if (!session) redirect('/login');
  return session;
}
