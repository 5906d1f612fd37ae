/**
 * PostgreSQL outages, on a private server the test stops and starts (never the shared one): the built
 * app started while its database is down answers 503 (API and pages), keeps retrying its startup and
 * serves once it is up; an
 * outage of ~10 s during ingest is answered 503 (Retry-After, the contract's body) within seconds,
 * never 500, and the same process serves again afterwards; the SDK's event buffer stores every event
 * it was given exactly once. A Postgres-only suite (`*.pg.test.ts`: run with TEST_DATABASE_URL, as in
 * CI); it fails loudly there if the PostgreSQL server binaries are missing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectPostgres } from '@/db/client';
import { runMigrations } from '@/db/migrate';
import { createApiKey } from '@/server/api-keys';
import { createProject } from '@/server/projects';
import { type EventBuffer, Runledger } from '@runledger/sdk';
import { type BuiltApp, startBuiltApp } from '../../../scripts/lib/built-app';
import { checkStored, startIngest, storedSeqs, waitFor } from '../../helpers/ingest';
import { createPrivatePostgres, type PrivatePostgres } from '../../helpers/private-postgres';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A 503 in the contract's shape: JSON error body with code service_unavailable, and Retry-After. */
async function expect503(res: Response) {
  expect(res.status).toBe(503);
  expect(res.headers.get('content-type')).toContain('application/json');
  expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe('service_unavailable');
  expect(body.error.message).not.toMatch(/ECONNREFUSED|postgres:\/\//);
}

async function timed(f: () => Promise<Response>): Promise<{ res: Response; ms: number }> {
  const t0 = Date.now();
  const res = await f();
  return { res, ms: Date.now() - t0 };
}

describe('PostgreSQL outages [private postgres server]', () => {
  let pg: PrivatePostgres;
  let app: BuiltApp | undefined;
  let key = '';

  beforeAll(async () => {
    pg = await createPrivatePostgres();
  }, 120_000);
  afterAll(async () => {
    await app?.stop();
    await pg?.destroy();
  });

  it('started while PostgreSQL is down: answers 503 at once, retries its startup, serves once it is up', async () => {
    app = await startBuiltApp({
      purpose: 'The outage tests',
      env: { DATABASE_URL: pg.url, RUNLEDGER_ADMIN_PASSWORD: 'test-admin-password' },
      readiness: 'listening',
    });
    const health = await timed(() => fetch(`${app!.baseUrl}/api/health`));
    await expect503(health.res);
    const api = await timed(() =>
      fetch(`${app!.baseUrl}/api/v1/runs`, { headers: { authorization: `Bearer rl_${'x'.repeat(40)}` } }),
    );
    await expect503(api.res);
    // Pages: the "starting" page with 503 and Retry-After (not a 500 error page, not a hang).
    const login = await timed(() => fetch(`${app!.baseUrl}/login`));
    expect(login.res.status).toBe(503);
    expect(login.res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(login.res.headers.get('content-type')).toContain('text/html');
    expect(await login.res.text()).toContain('runledger is starting');
    const dashboard = await fetch(`${app!.baseUrl}/p/outage/runs`, { redirect: 'manual' });
    expect(dashboard.status).toBe(503);
    expect(dashboard.headers.get('retry-after')).toMatch(/^\d+$/);
    console.log(
      `[faults] database down at start: health 503 in ${health.ms} ms, API 503 in ${api.ms} ms, /login 503 in ${login.ms} ms`,
    );
    // The first request also loads the server's code (seconds on a loaded machine); the later ones
    // answer without waiting on the database.
    expect(health.ms).toBeLessThan(15_000);
    expect(Math.max(api.ms, login.ms)).toBeLessThan(5_000);

    const t0 = Date.now();
    await pg.start();
    const conn = connectPostgres(pg.url, 1);
    try {
      await runMigrations(conn); // serialized with the server's own retry by the advisory lock
      const project = await createProject(conn.db, { slug: 'outage' });
      key = (await createApiKey(conn.db, project.id, 'outage')).key;
    } finally {
      await conn.close();
    }
    await waitFor('health 200', async () => (await fetch(`${app!.baseUrl}/api/health`)).ok, 30_000);
    expect((await fetch(`${app.baseUrl}/login`)).status).toBe(200);
    console.log(`[faults] serving ${Date.now() - t0} ms after PostgreSQL started (same process)`);
    const created = await fetch(`${app.baseUrl}/api/v1/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'after the outage' }),
    });
    expect(created.status).toBe(201);
    expect(app.logs()).toContain('startup: the database is unreachable');
  }, 180_000);

  it('down during ingest: 503 + Retry-After within seconds, never 500; the SDK buffer stores every event once', async () => {
    expect(key, 'needs the server of the previous test').not.toBe('');
    const base = app!.baseUrl;
    const ingest = await startIngest(base, key, { label: 'outage', batchSize: 100 });

    // The SDK: 4 runs whose buffers get an event every 20 ms throughout.
    const rl = new Runledger({ baseUrl: base, apiKey: key, maxRetries: 2 });
    const sdkErrors: unknown[] = [];
    const buffers: { buffer: EventBuffer; runId: string; pushed: number }[] = [];
    for (let i = 0; i < 4; i++) {
      const run = await rl.createRun({ name: `sdk ${i}`, status: 'running' });
      buffers.push({
        runId: run.id,
        pushed: 0,
        buffer: rl.events(run.id, {
          maxBatch: 50,
          flushIntervalMs: 100,
          onError: (e) => sdkErrors.push(e),
        }),
      });
    }
    let pushing = true;
    const pusher = (async () => {
      while (pushing) {
        for (const b of buffers) {
          b.buffer.push('text-delta', { delta: `sdk event ${b.pushed}` });
          b.pushed++;
        }
        await sleep(20);
      }
    })();

    await waitFor('ingest under way', () => ingest.acked() >= 20);
    const down = Date.now();
    await pg.stop();
    // Down until health says so, the ingest has met 503s and the SDK's buffers have given up on a send
    // (their retries spent): then the outage has been seen by every client.
    let health: { res: Response; ms: number } | undefined;
    await waitFor('health 503', async () => {
      const h = await timed(() => fetch(`${base}/api/health`));
      if (h.res.status !== 503) return false;
      health = { res: h.res, ms: Date.now() - down };
      return true;
    });
    await expect503(health!.res);
    await waitFor(
      'ingest 503s and an SDK send given up',
      () =>
        sdkErrors.length > 0 && ingest.batches.filter((b) => b.status === 503 && b.at >= down).length >= 3,
      60_000,
    );
    const up = Date.now();
    await pg.start();
    await waitFor(
      'a 200 after PostgreSQL is back',
      () => ingest.batches.some((b) => b.at > up && b.status === 200),
      30_000,
    );
    const recovered = Date.now() - up;
    // Ingest goes on after the recovery (several acknowledged batches) before everything is checked.
    await waitFor(
      'ingest going on after the recovery',
      () => ingest.batches.filter((b) => b.at > up && b.status === 200).length >= 5,
      30_000,
    );
    pushing = false;
    await pusher;
    const batches = await ingest.stop();
    for (const b of buffers) await b.buffer.close();

    const during = batches.filter((b) => b.at + b.ms >= down && b.at <= up);
    const first503 = batches.filter((b) => b.status === 503 && b.at + b.ms >= down).map((b) => b.at + b.ms);
    const statuses: Record<string, number> = {};
    for (const b of batches) statuses[b.status] = (statuses[b.status] ?? 0) + 1;
    const slowest = Math.max(...batches.map((b) => b.ms));
    const check = await checkStored(base, key, batches);
    console.log(
      `[faults] outage of ${up - down} ms: first 503 ${first503.length ? Math.min(...first503) - down : 'none'} ms after the stop, ` +
        `statuses ${JSON.stringify(statuses)}, slowest call ${slowest} ms, 200 again ${recovered} ms after the start, ` +
        `health 503 ${health!.ms} ms after the stop; ${JSON.stringify(check)}; SDK: ${buffers.map((b) => b.pushed).join('/')} events pushed, ${sdkErrors.length} background send errors`,
    );
    expect(statuses['500'] ?? 0).toBe(0);
    expect(during.filter((b) => b.status === 503).length).toBeGreaterThan(0);
    for (const b of batches.filter((x) => x.status !== 200)) {
      expect(b.status).toBe(503);
      expect(b.code).toBe('service_unavailable');
      expect(b.retryAfter).toMatch(/^\d+$/);
    }
    expect(Math.min(...first503) - down).toBeLessThan(5_000);
    expect(slowest).toBeLessThan(5_000);
    expect(check.lost).toBe(0);
    expect(check.partial).toBe(0);

    // Every event given to the SDK is stored exactly once: seqs 0..pushed-1, and the run counts them once.
    expect(sdkErrors.length).toBeGreaterThan(0); // the buffers did meet the outage
    for (const b of buffers) {
      const seqs = await storedSeqs(base, key, b.runId);
      expect(seqs.size).toBe(b.pushed);
      expect(Math.max(...seqs)).toBe(b.pushed - 1);
      const run = await rl.getRun(b.runId);
      expect(run.eventCount).toBe(b.pushed);
    }
  }, 240_000);
});
