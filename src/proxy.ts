import { type NextRequest, NextResponse } from 'next/server';
import { env } from '@/lib/env';
import { FOREIGN_ORIGIN, isSameOrigin } from '@/lib/request-security';
import {
  PATH_HEADER,
  PROJECT_COOKIE,
  PROJECT_COOKIE_OPTIONS,
  PROJECT_HEADER,
  projectSlugOf,
} from '@/lib/project-path';

const SESSION_COOKIES = ['rl.session_token', '__Secure-rl.session_token'];
const DASHBOARD = /^\/(?:$|p|runs|threads|datasets|settings|usage)(?:\/|$)/;

/** A fresh nonce per response: Next.js puts it on its own scripts (read from the request's CSP). */
function contentSecurityPolicy(nonce: string): string {
  const dev = process.env.NODE_ENV === 'development';
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    // React and the charts set style attributes; styles cannot run code.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  // A server action from another site: the app's 403 and message (Next.js's own check answers 500).
  // Each action checks the origin again itself.
  if (request.method === 'POST' && request.headers.has('next-action')) {
    const trustProxy = ['1', 'true'].includes(env().RUNLEDGER_TRUST_PROXY);
    if (!isSameOrigin(request.headers, trustProxy)) {
      return new NextResponse(FOREIGN_ORIGIN, {
        status: 403,
        headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' },
      });
    }
  }
  // A convenience redirect only: every page and server action verifies the session itself.
  if (DASHBOARD.test(pathname) && !SESSION_COOKIES.some((c) => request.cookies.has(c))) {
    const url = request.nextUrl.clone();
    const next = pathname + search;
    url.pathname = '/login';
    url.search = next === '/' ? '' : `?next=${encodeURIComponent(next)}`;
    return NextResponse.redirect(url);
  }
  const nonce = Buffer.from(crypto.randomUUID()).toString('base64');
  const csp = contentSecurityPolicy(nonce);
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('x-nonce', nonce);
  requestHeaders.set('content-security-policy', csp);
  // The project is the one in the address: server actions (posted to the page's URL) and route handlers
  // read its slug from this header, never from one the client sent.
  const slug = projectSlugOf(pathname);
  requestHeaders.delete(PROJECT_HEADER);
  if (slug) requestHeaders.set(PROJECT_HEADER, slug);
  requestHeaders.set(PATH_HEADER, pathname);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  // "Last project viewed", for the old unscoped links and `/` (a hint: access is checked per request).
  if (slug && request.method === 'GET' && request.cookies.get(PROJECT_COOKIE)?.value !== slug) {
    response.cookies.set(PROJECT_COOKIE, slug, PROJECT_COOKIE_OPTIONS);
  }
  response.headers.set('content-security-policy', csp);
  response.headers.set('x-frame-options', 'DENY');
  response.headers.set('referrer-policy', 'strict-origin-when-cross-origin');
  response.headers.set('x-content-type-options', 'nosniff');
  return response;
}

export const config = {
  // Every page; not the API (JSON, no scripts) nor static files.
  matcher: [
    {
      source: '/((?!api/|_next/static|_next/image|favicon.ico).*)',
      missing: [
        { type: 'header', key: 'next-router-prefetch' },
        { type: 'header', key: 'purpose', value: 'prefetch' },
      ],
    },
  ],
};
