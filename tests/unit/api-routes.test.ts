import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RouteDecl } from '@/lib/contract/route';
import { apiRoutes } from '@/lib/contract/routes';
import { buildOpenApi } from '@/lib/openapi';

const apiDir = path.resolve(import.meta.dirname, '../../src/app/api');
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** Every route.ts under src/app/api, with its path as OpenAPI spells it (`[id]` → `{id}`). */
function routeFiles(dir = apiDir): { file: string; path: string }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name.startsWith('_') ? [] : routeFiles(full);
    if (entry.name !== 'route.ts') return [];
    const rel = path.relative(apiDir, dir).split(path.sep);
    // The catch-all answers 404 for paths no route serves; it is not an endpoint.
    if (rel.some((s) => s.startsWith('[...'))) return [];
    const segments = rel.map((s) => s.replace(/^\[(\w+)\]$/, '{$1}'));
    return [{ file: full, path: `/api/${segments.join('/')}` }];
  });
}

type Served = { key: string; route: RouteDecl; file: string };

/** Each method a route file serves through the wrapper, with the declaration it was built from. */
async function served(): Promise<Served[]> {
  const out: Served[] = [];
  for (const { file, path: p } of routeFiles()) {
    const mod = (await import(file)) as Record<string, unknown>;
    for (const method of METHODS) {
      const handler = mod[method] as { route?: RouteDecl } | undefined;
      if (!handler?.route) continue;
      expect(handler.route.method, `${method} in ${file}`).toBe(method);
      expect(handler.route.path, `${method} in ${file}`).toBe(p);
      out.push({ key: `${method} ${p}`, route: handler.route, file });
    }
  }
  return out;
}

describe('route declarations, route files and the OpenAPI document', () => {
  it('every route file is listed in the OpenAPI document, and every listed path has a route file', () => {
    const docPaths = Object.keys(buildOpenApi().paths as object).sort();
    const filePaths = routeFiles()
      .map((r) => r.path)
      .sort();
    expect(filePaths).toEqual(docPaths);
  });

  it('every method a route file serves is a declared route, and every declared route is served', async () => {
    const doc = buildOpenApi().paths as Record<string, Record<string, unknown>>;
    const documented = Object.entries(doc)
      .flatMap(([p, ops]) =>
        Object.keys(ops).map((m) => {
          expect(['get', 'post', 'put', 'patch', 'delete'], `${m} ${p}`).toContain(m);
          return `${m.toUpperCase()} ${p}`;
        }),
      )
      .sort();
    const list = await served();
    expect(list.map((s) => s.key).sort()).toEqual(documented);
    // The handler serves the very declaration the document was built from, not a copy.
    for (const s of list) expect(apiRoutes, s.key).toContain(s.route);
    expect(new Set(apiRoutes).size).toBe(list.length);
  });

  it('route files serve methods only through the wrapper or the 405 handler', async () => {
    for (const { file } of routeFiles()) {
      const mod = (await import(file)) as Record<string, unknown>;
      for (const method of METHODS) {
        const handler = mod[method] as ((r: Request, c: unknown) => Promise<Response>) & { route?: unknown };
        if (!handler || handler.route) continue;
        // Anything else a route file exports for a method must be the 405 answer.
        const res = await handler(new Request(`http://x/api/x`, { method }), { params: Promise.resolve({}) });
        expect(res.status, `${method} in ${file}`).toBe(405);
      }
    }
  });
});
