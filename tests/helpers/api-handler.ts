import type { Db } from '@/db/client';
import { createApiKey } from '@/server/api-keys';
import type { TestDriver } from './db';
import { useTestDatabase } from './next-request';

type Handler = (
  request: Request,
  context: { params: Promise<Record<string, string>> },
) => Response | Promise<Response>;

/**
 * Calls an /api/v1 route handler in this process, as Next.js would, against the test database: the
 * route's own wrapper (auth, parsing, errors, headers) runs; no build and no server are needed.
 */
export function useApiHandlers(db: () => Db, driver: TestDriver) {
  useTestDatabase({ db: db(), driver, close: async () => {} });
  // The server counts as started: the test database is migrated already.
  (globalThis as Record<string, unknown>).__runledgerStart = { ready: true, waiting: false, failures: 0 };
}

/** A new key for the project (named `name`), as a Bearer header value. */
export async function bearer(db: Db, projectId: string, name = 'test key'): Promise<string> {
  return `Bearer ${(await createApiKey(db, projectId, name)).key}`;
}

export async function callHandler(
  handler: Handler,
  opts: {
    path: string;
    auth?: string;
    method?: string;
    body?: unknown;
    params?: Record<string, string>;
    headers?: Record<string, string>;
  },
): Promise<Response> {
  const headers = new Headers(opts.headers);
  if (opts.auth) headers.set('authorization', opts.auth);
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  }
  const request = new Request(`http://localhost:3000${opts.path}`, {
    method: opts.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body,
  });
  return handler(request, { params: Promise.resolve(opts.params ?? {}) });
}

type RouteModule = Partial<Record<'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', Handler>>;

/**
 * A `fetch` for the SDK that answers from route handlers in this process: each `[pattern, module]`
 * maps a path (its `:name` segments are the handler's params) to a route module. An unmapped path
 * fails the call loudly.
 */
export function handlerFetch(
  table: [pattern: string, module: RouteModule][],
): (input: string | URL | Request, init?: RequestInit) => Promise<Response> {
  const compiled = table.map(([pattern, module]) => {
    const names: string[] = [];
    const re = new RegExp(
      `^${pattern.replace(/:(\w+)/g, (_, n: string) => {
        names.push(n);
        return '([^/]+)';
      })}$`,
    );
    return { re, names, module };
  });
  return async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    for (const { re, names, module } of compiled) {
      const m = re.exec(url.pathname);
      if (!m) continue;
      const handler = module[request.method as keyof RouteModule];
      if (!handler) throw new Error(`handlerFetch: no ${request.method} for ${url.pathname}`);
      const params = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
      return handler(request, { params: Promise.resolve(params) });
    }
    throw new Error(`handlerFetch: no route for ${url.pathname}`);
  };
}
