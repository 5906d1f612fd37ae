import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { describeEachServer } from '../../helpers/shared-server';

/** Every path of the contract (/work/shared/API.md), as OpenAPI spells it. */
const contractPaths = [
  '/api/v1/runs',
  '/api/v1/runs/{id}',
  '/api/v1/runs/{id}/events',
  '/api/v1/runs/{id}/results',
  '/api/v1/runs/{id}/reports',
  '/api/v1/reports/{id}/sections',
  '/api/v1/reports/{id}',
  '/api/v1/quotas',
  '/api/v1/quotas/{id}',
  '/api/v1/usage',
  '/api/v1/usage/series',
  '/api/v1/usage/reservations',
  '/api/v1/usage/reservations/{id}/commit',
  '/api/v1/usage/reservations/{id}/release',
];

describeEachServer('API catch-all, OpenAPI and auth', ({ api, server }) => {
  it('serves the app icon at /favicon.ico (every page asks for it)', async () => {
    const res = await fetch(`${server().baseUrl}/favicon.ico`);
    expect(res.status).toBe(200);
    const bytes = new Uint8Array(await res.arrayBuffer());
    // An ICO file: reserved 0, type 1 (icon), at least one image.
    expect([...bytes.slice(0, 4)]).toEqual([0, 0, 1, 0]);
    expect(bytes[4]).toBeGreaterThan(0);
  });

  it('answers unknown API paths with the contract 404 body, for every method, with or without a key', async () => {
    const id = randomUUID();
    for (const path of [
      '/api/v1/nope',
      `/api/v1/runs/${id}/nope`,
      '/api/v1/runs/a/b/c/d',
      '/api/v1/usage/x/y',
    ]) {
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
        for (const key of [undefined, null]) {
          const res = await api(path, { method, key, ...(method === 'GET' ? {} : { body: {} }) });
          expect(res.status, `${method} ${path}`).toBe(404);
          expect(res.headers.get('content-type')).toMatch(/application\/json/);
          const { error } = await res.json();
          expect(error.code).toBe('not_found');
          expect(error.message).toEqual(expect.any(String));
        }
      }
    }
  });

  it('answers a method a known path does not serve with 405, Allow and the error body', async () => {
    const id = randomUUID();
    for (const [method, path, allow] of [
      ['PUT', '/api/v1/runs', 'GET, POST'],
      ['POST', `/api/v1/runs/${id}`, 'GET, PATCH, DELETE'],
      ['DELETE', `/api/v1/runs/${id}/events`, 'GET, POST'],
      ['GET', `/api/v1/reports/${id}/sections`, 'POST'],
      ['GET', `/api/v1/reports/${id}`, 'PATCH'],
      ['POST', '/api/v1/openapi.json', 'GET'],
    ] as const) {
      const res = await api(path, { method, ...(method === 'GET' ? {} : { body: {} }) });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get('allow')).toBe(allow);
      expect((await res.json()).error.code).toBe('method_not_allowed');
    }
  });

  it('serves a public OpenAPI 3.1 document that lists every path of the contract', async () => {
    const res = await api('/api/v1/openapi.json', { key: null });
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc.openapi).toBe('3.1.0');
    for (const p of contractPaths) expect(Object.keys(doc.paths), p).toContain(p);
    const append = doc.paths['/api/v1/runs/{id}/events'].post;
    expect(append.requestBody.content['application/json'].schema.$ref).toMatch(/^#\/components\/schemas\//);
    expect(Object.keys(append.responses)).toEqual(
      expect.arrayContaining(['200', '400', '401', '404', '409']),
    );
    expect(doc.paths['/api/v1/usage/reservations'].post.responses['201']).toBeDefined();
    // Every $ref resolves inside the document.
    const text = JSON.stringify(doc);
    for (const [, ref] of text.matchAll(/"\$ref":"([^"]+)"/g)) {
      let node: unknown = doc;
      for (const part of ref!.replace(/^#\//, '').split('/'))
        node = (node as Record<string, unknown>)?.[part];
      expect(node, ref).toBeDefined();
    }
  });

  it('answers 401 on every route family for a missing, malformed, unknown or revoked key', async () => {
    const { run } = await (await api('/api/v1/runs', { method: 'POST', body: { name: 'auth' } })).json();
    const { report } = await (
      await api(`/api/v1/runs/${run.id}/reports`, { method: 'POST', body: { title: 't' } })
    ).json();
    const routes: [string, string, unknown?][] = [
      ['GET', '/api/v1/runs'],
      ['POST', '/api/v1/runs', { name: 'x' }],
      ['GET', `/api/v1/runs/${run.id}`],
      ['PATCH', `/api/v1/runs/${run.id}`, { name: 'y' }],
      ['DELETE', `/api/v1/runs/${run.id}`],
      ['GET', `/api/v1/runs/${run.id}/events`],
      ['POST', `/api/v1/runs/${run.id}/events`, { events: [{ seq: 0, type: 'x' }] }],
      ['GET', `/api/v1/runs/${run.id}/results`],
      ['POST', `/api/v1/runs/${run.id}/results`, { results: [] }],
      ['GET', `/api/v1/runs/${run.id}/reports`],
      ['POST', `/api/v1/runs/${run.id}/reports`, { title: 'x' }],
      ['POST', `/api/v1/reports/${report.id}/sections`, { heading: 'h', body: 'b' }],
      ['PATCH', `/api/v1/reports/${report.id}`, { title: 'x' }],
    ];
    const keys: [string, { key?: string | null; project?: string; headers?: Record<string, string> }][] = [
      ['missing', { key: null }],
      ['revoked', { project: 'revoked' }],
      ['unknown', { key: `rl_${'A'.repeat(43)}` }],
      ['malformed', { key: 'not-a-key' }],
      ['basic auth', { key: null, headers: { authorization: 'Basic dXNlcjpwYXNz' } }],
    ];
    for (const [method, path, body] of routes) {
      for (const [what, auth] of keys) {
        const res = await api(path, { method, body, ...auth });
        expect(res.status, `${what} key: ${method} ${path}`).toBe(401);
        expect((await res.json()).error.code).toBe('unauthorized');
      }
    }
    // The key is checked first: a body that is not JSON, does not parse or is too large still gets the 401
    // (the body is read while the key is looked up, and only looked at after).
    const events = `/api/v1/runs/${run.id}/events`;
    const badBodies: [string, RequestInit][] = [
      ['text/plain', { headers: { 'content-type': 'text/plain' }, body: 'hello' }],
      ['malformed JSON', { headers: { 'content-type': 'application/json' }, body: '{"events": [' }],
      [
        '6 MiB',
        { headers: { 'content-type': 'application/json' }, body: `"${'x'.repeat(6 * 1024 * 1024)}"` },
      ],
    ];
    for (const [what, init] of badBodies) {
      const res = await fetch(`${server().baseUrl}${events}`, { method: 'POST', ...init });
      expect(res.status, what).toBe(401);
      expect((await res.json()).error.code).toBe('unauthorized');
    }
    // Nothing was changed by the refused calls.
    const after = await (await api(`/api/v1/runs/${run.id}`)).json();
    expect(after.run).toMatchObject({ name: 'auth', eventCount: 0 });
  });

  it('never answers a 500 for odd input on any route', async () => {
    const { run } = await (await api('/api/v1/runs', { method: 'POST', body: { name: 'odd' } })).json();
    const odd: unknown[] = [
      null,
      [],
      'string',
      42,
      { events: null },
      { name: 'x'.repeat(201) },
      { name: 'a\u0000' },
      { name: 'ok', metadata: { k: '\u0000' } },
      { name: 'ok', startedAt: '0000-01-01T00:00:00Z' },
      { name: 'ok', inputTokens: 1e300 },
      { name: 'ok', costUsd: Number.MAX_VALUE },
      { __proto__: { name: 'x' } },
      {
        results: [
          {
            itemId: 'i',
            input: null,
            latencyMs: 1e308,
            startedAt: '2026-01-01T00:00:00Z',
            completedAt: '2026-01-01T00:00:00Z',
          },
        ],
      },
    ];
    const targets: [string, string][] = [
      ['POST', '/api/v1/runs'],
      ['PATCH', `/api/v1/runs/${run.id}`],
      ['POST', `/api/v1/runs/${run.id}/events`],
      ['POST', `/api/v1/runs/${run.id}/results`],
      ['POST', `/api/v1/runs/${run.id}/reports`],
    ];
    for (const [method, path] of targets) {
      for (const body of odd) {
        const res = await api(path, { method, body: JSON.stringify(body) });
        expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBeLessThan(500);
      }
    }
    for (const q of ['from=0000-01-01T00:00:00Z', 'q=%00', 'tag=%F0%9F%A7%AA', 'limit=1e3', 'cursor=%00']) {
      expect((await api(`/api/v1/runs?${q}`)).status, q).toBeLessThan(500);
    }
  });

  it('logged no unhandled error (no 500 was answered)', () => {
    expect(server().logs()).not.toContain('unhandled API error');
    // The body checks catch what the database would refuse before the driver's safety net has to.
    expect(server().logs()).not.toContain('database refused a value');
  });
});
