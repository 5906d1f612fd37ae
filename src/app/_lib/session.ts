import 'server-only';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { env } from '@/lib/env';
import { isSameOrigin } from '@/lib/request-security';
import { getAuth } from '@/server/accounts/better-auth';
import { type SessionUser, sessionUser } from '@/server/accounts/sign-in';
import { startServer } from '@/server/startup';

export const trustProxy = () => env().RUNLEDGER_TRUST_PROXY;

/** The signed-in user of this request (its session row is read every time), or null. */
export async function currentUser(): Promise<SessionUser | null> {
  // The request's headers first: reading them makes the page dynamic, so `next build` never gets past
  // this line while prerendering, and the database is only opened when a request is served.
  const requestHeaders = new Headers(await headers());
  await startServer();
  return sessionUser(await getAuth(), requestHeaders);
}

/** Every dashboard page calls this (through dashboardContext): no valid session, straight to /login. */
export async function requireUser(): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) redirect('/login');
  return user;
}

/** Server actions refuse a request whose Origin is missing or names another host. */
export async function sameOriginRequest(): Promise<boolean> {
  return isSameOrigin(new Headers(await headers()), trustProxy());
}

export { FOREIGN_ORIGIN } from '@/lib/request-security';
