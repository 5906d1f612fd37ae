import { type NextRequest, NextResponse } from 'next/server';
import { RETRY_AFTER_SECONDS } from '@/lib/enums';
import { env } from '@/lib/env';
import { FOREIGN_ORIGIN, isSameOrigin } from '@/lib/request-security';
import {
  PATH_HEADER,
  PROJECT_COOKIE,
  PROJECT_COOKIE_OPTIONS,
  PROJECT_HEADER,
  projectSlugOf,
} from '@/lib/project-path';
import { startupWaiting } from '@/server/startup-state';

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

/**
 * Every page while the server cannot reach its database to start (it keeps retrying): a 503 with
 * Retry-After, like the API's, and a page that reloads itself.
 */
function startingPage(): NextResponse {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="${RETRY_AFTER_SECONDS * 3}"><title>Starting · runledger</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:15vh auto;padding:0 1rem;color:#27272a">
<h1 style="font-size:1.25rem">runledger is starting</h1>
<p>The server cannot reach its database yet and keeps trying. This page reloads itself.</p>
</body></html>`;
  return new NextResponse(html, {
    status: 503,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'retry-after': String(RETRY_AFTER_SECONDS),
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
      'x-content-type-options': 'nosniff',
    },
  });
}

export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  if (startupWaiting()) return startingPage();
  // A server action from another site: the app's 403 and message (Next.js's own check answers 500).
  // Each action checks the origin again itself.
  if (request.method === 'POST' && request.headers.has('next-action')) {
    if (!isSameOrigin(request.headers, env().RUNLEDGER_TRUST_PROXY)) {
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
