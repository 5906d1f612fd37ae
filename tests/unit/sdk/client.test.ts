import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Runledger, RunledgerError } from '@runledger/sdk';
import { error, FakeServer } from './fake-server';

let server: FakeServer;
beforeEach(async () => {
  server = await new FakeServer().start();
});
afterEach(() => server.stop());

const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('Runledger client', () => {
  it('creates a run with a client-chosen uuid, the bearer key and a JSON body', async () => {
    const client = server.client();
    const run = await client.createRun({ name: 'first', kind: 'chat' });
    expect(run.id).toMatch(uuidRe);
    const [req] = server.requests;
    expect(req!.method).toBe('POST');
    expect(req!.path).toBe('/api/v1/runs');
    expect(req!.headers.authorization).toBe('Bearer rl_test');
    expect(req!.headers['content-type']).toBe('application/json');
    expect(req!.body).toEqual({ name: 'first', kind: 'chat', id: run.id });
  });

  it('retries createRun after a 503 with the same id, so the run exists once', async () => {
    let calls = 0;
    server.intercept = () => (++calls === 1 ? error(503, 'internal', 'busy') : undefined);
    const client = server.client();
    const run = await client.createRun({ name: 'r' });
    const posts = server.requestsTo('POST', /^\/api\/v1\/runs$/);
    expect(posts).toHaveLength(2);
    expect((posts[0]!.body as { id: string }).id).toBe(run.id);
    expect((posts[1]!.body as { id: string }).id).toBe(run.id);
    expect(server.runs.size).toBe(1);
  });

  it('backs off between retries and gives up after maxRetries with the last error', async () => {
    server.intercept = () => error(503, 'internal', 'still busy');
    const client = server.client({ maxRetries: 2, retryBaseDelayMs: 20 });
    const err = await client.getRun('x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunledgerError);
    expect(err).toMatchObject({ status: 503, code: 'internal', message: 'still busy' });
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry a 400 and exposes code, message and details', async () => {
    server.intercept = () =>
      error(400, 'bad_request', 'Invalid body', [{ path: ['name'], message: 'Required' }]);
    const client = server.client();
    const err = await client.createRun({ name: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunledgerError);
    expect(err).toMatchObject({
      status: 400,
      code: 'bad_request',
      message: 'Invalid body',
      details: [{ path: ['name'], message: 'Required' }],
    });
    expect(server.requests).toHaveLength(1);
  });

  it('turns a 429 into a RunledgerError with retryAfterSeconds and the windows, without retrying', async () => {
    const windows = [
      { window: 'minute', limit: 10, used: 10, remaining: 0, resetAt: '2026-11-23T06:01:00.000Z' },
    ];
    server.intercept = () => ({
      ...error(429, 'quota_exceeded', 'Quota exceeded', { windows }),
      headers: { 'retry-after': '17', 'ratelimit-limit': '10', 'ratelimit-remaining': '0' },
    });
    const client = server.client();
    const err = (await client
      .recordUsage({ subject: 'u1', metric: 'tokens', amount: 5 })
      .catch((e: unknown) => e)) as RunledgerError;
    expect(err).toBeInstanceOf(RunledgerError);
    expect(err.status).toBe(429);
    expect(err.code).toBe('quota_exceeded');
    expect(err.retryAfterSeconds).toBe(17);
    expect(err.details).toEqual({ windows });
    expect(server.requests).toHaveLength(1);
    expect((server.requests[0]!.body as { idempotencyKey: string }).idempotencyKey).toMatch(uuidRe);
  });

  it('retries recordUsage on a 5xx with the same idempotency key', async () => {
    let calls = 0;
    server.intercept = () =>
      ++calls === 1
        ? error(502, 'internal', 'gateway')
        : { status: 200, body: { allowed: true, windows: [] } };
    const client = server.client();
    await expect(client.recordUsage({ subject: 'u', metric: 'tokens', amount: 1 })).resolves.toEqual({
      allowed: true,
      windows: [],
    });
    const keys = server.requests.map((r) => (r.body as { idempotencyKey: string }).idempotencyKey);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
  });

  it('never retries a call that is not idempotent (addSection, commitReservation)', async () => {
    server.intercept = () => error(503, 'internal', 'busy');
    const client = server.client();
    await expect(client.addSection('rep', { heading: 'h', body: 'b' })).rejects.toMatchObject({
      status: 503,
    });
    await expect(client.commitReservation('res', 10)).rejects.toMatchObject({ status: 503 });
    expect(server.requests.map((r) => r.path)).toEqual([
      '/api/v1/reports/rep/sections',
      '/api/v1/usage/reservations/res/commit',
    ]);
    expect(server.requests[1]!.body).toEqual({ amount: 10 });
  });

  it('retries a timed-out GET and reports a timeout when every attempt times out', async () => {
    // Held requests are answered only once the client has given up on them.
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let calls = 0;
    server.intercept = async () => {
      if (++calls === 1) await held;
      return { status: 200, body: { run: { id: 'r1' } } };
    };
    const client = server.client({ timeoutMs: 100 });
    await expect(client.getRun('r1')).resolves.toEqual({ id: 'r1' });
    expect(calls).toBe(2);

    server.intercept = async () => {
      await held;
      return undefined;
    };
    const err = await server
      .client({ timeoutMs: 50, maxRetries: 1 })
      .getRun('r1')
      .catch((e: unknown) => e);
    release();
    expect(err).toMatchObject({ status: 0, code: 'timeout' });
  });

  it('reports a network error (connection refused) as status 0, code network_error', async () => {
    const url = server.url;
    await server.stop();
    const client = new (await import('@runledger/sdk')).Runledger({
      baseUrl: url,
      apiKey: 'k',
      maxRetries: 1,
      retryBaseDelayMs: 1,
    });
    await expect(client.listRuns()).rejects.toMatchObject({ status: 0, code: 'network_error' });
    server = await new FakeServer().start();
  });

  it('maps a non-JSON error page to a RunledgerError by status', async () => {
    server.intercept = () => ({ status: 502, body: '<html>bad gateway</html>' });
    const err = await server
      .client({ maxRetries: 0 })
      .getRun('x')
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 502, code: 'internal' });
  });

  it('treats a 404 on a retried DELETE as success (the first attempt went through)', async () => {
    const client = server.client();
    const run = await client.createRun({ name: 'to delete' });
    let deletes = 0;
    server.intercept = (req) => {
      if (req.method !== 'DELETE') return undefined;
      if (++deletes === 1) {
        server.runs.delete(run.id);
        return error(503, 'internal', 'answer lost');
      }
      return undefined;
    };
    await expect(client.deleteRun(run.id)).resolves.toBeUndefined();
    expect(deletes).toBe(2);
    await expect(client.deleteRun(run.id)).rejects.toMatchObject({ status: 404, code: 'not_found' });
  });

  it('iterates runs across pages with the cursor and query filters', async () => {
    server.intercept = (req) => {
      if (req.path !== '/api/v1/runs') return undefined;
      const page = Number(req.query.cursor ?? 0);
      return {
        status: 200,
        body: {
          data: [{ id: `r${page * 2}` }, { id: `r${page * 2 + 1}` }],
          nextCursor: page < 2 ? String(page + 1) : null,
        },
      };
    };
    const ids: string[] = [];
    for await (const run of server.client().iterateRuns({ status: 'failed', limit: 2 })) ids.push(run.id);
    expect(ids).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5']);
    expect(server.requests.map((r) => r.query)).toEqual([
      { status: 'failed', limit: '2' },
      { status: 'failed', limit: '2', cursor: '1' },
      { status: 'failed', limit: '2', cursor: '2' },
    ]);
  });

  it('splits appendEvents above 1000 events and sums the answers', async () => {
    const client = server.client();
    const run = await client.createRun({ name: 'big' });
    const events = Array.from({ length: 2500 }, (_, seq) => ({ seq, type: 'tick', payload: { seq } }));
    await expect(client.appendEvents(run.id, events)).resolves.toEqual({ accepted: 2500, duplicates: 0 });
    expect(
      server.requestsTo('POST', /events$/).map((r) => (r.body as { events: unknown[] }).events.length),
    ).toEqual([1000, 1000, 500]);
    const seqs: number[] = [];
    for await (const e of client.iterateEvents(run.id, { limit: 1000 })) seqs.push(e.seq);
    expect(seqs).toEqual(events.map((e) => e.seq));
  });

  it('splits a call refused as too large (413) into halves until it fits', async () => {
    const client = server.client();
    const run = await client.createRun({ name: 'large' });
    server.intercept = (req) =>
      req.path.endsWith('/events') && (req.body as { events: unknown[] }).events.length > 2
        ? error(413, 'payload_too_large', 'The body is larger than 5 MiB')
        : undefined;
    const events = Array.from({ length: 7 }, (_, seq) => ({ seq, type: 'big', payload: { seq } }));
    await expect(client.appendEvents(run.id, events)).resolves.toEqual({ accepted: 7, duplicates: 0 });
    expect(server.storedEvents(run.id).map((e) => e.seq)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    await expect(client.appendEvents(run.id, [{ seq: 9, type: 'x' }])).resolves.toMatchObject({
      accepted: 1,
    });
  });

  it('finishRun sets the status and a client-side endedAt', async () => {
    const client = server.client();
    const run = await client.createRun({ name: 'x', status: 'running' });
    const finished = await client.finishRun(run.id, { output: { ok: true } });
    expect(finished).toMatchObject({ status: 'succeeded', output: { ok: true } });
    const patch = server.requestsTo('PATCH', /runs/)[0]!;
    expect((patch.body as { endedAt: string }).endedAt).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
  });
});

describe('runUrl', () => {
  it('is the dashboard link of the run under the base URL', () => {
    const rl = new Runledger({ baseUrl: 'https://runs.example.com/', apiKey: 'rl_x' });
    expect(rl.runUrl('00000000-0000-4000-8000-000000000001')).toBe(
      'https://runs.example.com/runs/00000000-0000-4000-8000-000000000001',
    );
  });

  it('links straight under the project when the client knows its slug', () => {
    const rl = new Runledger({ baseUrl: 'https://runs.example.com', apiKey: 'rl_x', project: 'my-app' });
    expect(rl.runUrl('00000000-0000-4000-8000-000000000001')).toBe(
      'https://runs.example.com/p/my-app/runs/00000000-0000-4000-8000-000000000001',
    );
  });
});
