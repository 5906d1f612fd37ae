import 'server-only';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import { type Session, signSessionToken, verifySessionToken } from '@/server/auth/session';
import { startServer } from '@/server/startup';

/**
 * The dashboard session as the app sees it: the token (src/server/auth/session.ts) in an httpOnly,
 * SameSite=Lax cookie, and the redirect to /login. The Next.js-specific half, kept out of src/server.
 */
export const SESSION_COOKIE = 'rl_session';

export type { Session };

async function isHttps(): Promise<boolean> {
  const h = await headers();
  const proto = h.get('x-forwarded-proto') ?? '';
  return proto.split(',')[0]?.trim() === 'https' || (h.get('origin') ?? '').startsWith('https:');
}

/** Signs a session and sets its cookie (Secure over https). */
export async function createSession(): Promise<void> {
  await startServer();
  const { token, expiresAt } = await signSessionToken(getDb());
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
  await startServer();
  return verifySessionToken(getDb(), token);
}

/** Every dashboard page and server action calls this: no valid session, straight to /login. */
export async function requireSession(): Promise<Session> {
  const session = await getSession();
  if (!session) redirect('/login');
  return session;
}
