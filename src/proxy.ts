import { type NextRequest, NextResponse } from 'next/server';

// A convenience redirect only: every page and server action verifies the session itself.
export function proxy(request: NextRequest) {
  if (request.cookies.has('rl_session')) return NextResponse.next();
  const url = request.nextUrl.clone();
  const next = request.nextUrl.pathname + request.nextUrl.search;
  url.pathname = '/login';
  url.search = next === '/' ? '' : `?next=${encodeURIComponent(next)}`;
  return NextResponse.redirect(url);
}

export const config = {
  matcher: ['/', '/runs/:path*', '/threads/:path*', '/datasets/:path*', '/settings/:path*', '/usage/:path*'],
};
