import { vi } from 'vitest';
import type { DbConnection } from '@/db/client';
import { PROJECT_COOKIE, PROJECT_HEADER } from '@/lib/project-path';
import { testAuth } from './accounts';

/**
 * The request a server action or page sees through next/headers, set by the test. The test file
 * mocks `next/headers` and `next/cache` with `nextRequestMocks()` (the framework's request scope,
 * which only exists inside a running Next.js server); the database and better-auth stay real.
 */
export const request = { headers: new Headers() };

/**
 * `project`: the slug of the page's address (`/p/<slug>/…`), as the proxy passes it on to actions and
 * route handlers; `lastProject`: the cookie that remembers the project last viewed.
 */
export function setRequest(opts: {
  cookie?: string;
  project?: string;
  lastProject?: string;
  origin?: string | null;
}) {
  const cookies = [
    opts.cookie,
    opts.lastProject ? `${PROJECT_COOKIE}=${opts.lastProject}` : undefined,
  ].filter(Boolean);
  const h = new Headers({ host: 'localhost:3000' });
  if (opts.project) h.set(PROJECT_HEADER, opts.project);
  if (opts.origin !== null) h.set('origin', opts.origin ?? 'http://localhost:3000');
  if (cookies.length) h.set('cookie', cookies.join('; '));
  request.headers = h;
}

export function cookieStore() {
  const all = () =>
    (request.headers.get('cookie') ?? '')
      .split(';')
      .map((c) => c.trim().split('='))
      .filter(([k]) => k)
      .map(([name, ...v]) => ({ name: name!, value: v.join('=') }));
  return {
    get: (name: string) => all().find((c) => c.name === name),
    getAll: all,
    has: (name: string) => all().some((c) => c.name === name),
    set: () => {},
    delete: () => {},
  };
}

/** Points the app's process-wide handles (connection, started flag, auth) at the test database. */
export function useTestDatabase(conn: DbConnection) {
  const g = globalThis as Record<string, unknown>;
  g.__runledgerDb = conn;
  // Started already (src/server/startup.ts): no migrations, owner, seed or background jobs of its own.
  g.__runledgerStart = { ready: true, waiting: false, failures: 0 };
  g.__runledgerAuth = Promise.resolve(testAuth(conn.db));
}

export const nextMocks = {
  headers: () => ({
    headers: vi.fn(async () => request.headers),
    cookies: vi.fn(async () => cookieStore()),
  }),
};
