/**
 * Scale-out benchmark (`npm run bench -- scale`, after `npm run build`):
 *
 * 1. Ingest through one app server vs two on the same Postgres database: RUNS runs x 1000 events
 *    (text-delta chunks), batches of 1000, 8 clients (spread over the servers round-robin), against
 *    the raw baseline: the same rows inserted with postgres.js (unnest) over 8 connections.
 * 2. Read-replica lag under 8-client ingest: a private primary and a pg_basebackup standby on free
 *    ports (never the shared server), one app server with DATABASE_READ_URL; the standby's lag
 *    (src/db/read.ts measureLag) and the primary's replay_lsn distance sampled every 100 ms.
 *
 * 3. Retention of 10M events by dropping partitions vs by batched deletes (bench/scale-expire.ts).
 * 4. History and replay reads on the schema before run_events was partitioned and after its migration,
 *    in one run (bench/scale-history.ts).
 *
 * The machine may be shared: the load (`uptime`) is printed with the figures. BENCH_SCALE_RUNS sets
 * the fill (default 24 runs of 1000 events per round); BENCH_SCALE_PARTS=expire,history runs only
 * those parts (ingest, replica, expire, history; default all).
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { connectPostgres } from '@/db/client';
import { runMigrations } from '@/db/migrate';
import { measureLag } from '@/db/read';
import { queryRows } from '@/db/sql';
import { createApiKey } from '@/server/api-keys';
import { createProject } from '@/server/projects';
import { type BuiltApp, startBuiltApp } from '../scripts/lib/built-app';
import { createPrivatePostgres, createPrivateStandby } from '../tests/helpers/private-postgres';
import { freshBenchDatabase } from './lib/server';
import { expireAtScale } from './scale-expire';
import { beforeAfter } from './scale-history';
import { median, pct } from './lib/stats';

const RUNS = Number(process.env.BENCH_SCALE_RUNS ?? 24);
const EVENTS = 1000;
const CLIENTS = 8;

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

function events(run: number) {
  const t0 = Date.UTC(2026, 10, 23, 6) + run * 60_000;
  return Array.from({ length: EVENTS }, (_, seq) => ({
    seq,
    type: 'text-delta',
    ts: new Date(t0 + seq * 15).toISOString(),
    payload: {
      type: 'text-delta',
      id: `txt-${run}`,
      delta: `chunk ${seq} of run ${run}: the model streams on `.repeat(2),
    },
  }));
}

async function pool(n: number, clients: number, work: (i: number, client: number) => Promise<void>) {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let i = next++; i < n; i = next++) await work(i, c);
    }),
  );
  return performance.now() - t0;
}

async function seed(url: string): Promise<string> {
  const conn = connectPostgres(url, 1);
  const project = await createProject(conn.db, { slug: `scale-${Math.random().toString(36).slice(2, 8)}` });
  const { key } = await createApiKey(conn.db, project.id, 'bench');
  await conn.close();
  return key;
}

/**
 * RUNS runs' events appended through the servers (client c talks to server c mod n), one batch of
 * 1000 per request: events per second. The runs are created and the bodies serialized beforehand
 * (the figure is the servers', not the client's).
 */
async function ingest(servers: BuiltApp[], key: string): Promise<number> {
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const jobs: { id: string; body: string }[] = [];
  for (let i = 0; i < RUNS; i++) {
    const res = await fetch(`${servers[0]!.baseUrl}/api/v1/runs`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: `scale ${i}` }),
    });
    if (res.status !== 201) throw new Error(`create run: ${res.status} ${await res.text()}`);
    jobs.push({ id: (await res.json()).run.id, body: JSON.stringify({ events: events(i) }) });
  }
  const ms = await pool(RUNS, CLIENTS, async (i, c) => {
    const base = servers[c % servers.length]!.baseUrl;
    const res = await fetch(`${base}/api/v1/runs/${jobs[i]!.id}/events`, {
      method: 'POST',
      headers,
      body: jobs[i]!.body,
    });
    if (!res.ok) throw new Error(`append: ${res.status} ${await res.text()}`);
  });
  return (RUNS * EVENTS) / (ms / 1000);
}

async function rawIngest(url: string): Promise<number> {
  const pg = postgres(url, { max: CLIENTS, onnotice: () => {} });
  const [p] = await pg`insert into projects (slug, name) values (${`raw-${Date.now()}`}, 'raw') returning id`;
  const ms = await pool(RUNS, CLIENTS, async (i) => {
    const [r] =
      await pg`insert into runs (project_id, name) values (${p!.id}, ${`raw ${i}`}) returning id, created_at`;
    const ev = events(i);
    await pg`insert into run_events (project_id, run_id, run_created_at, seq, type, ts, payload)
      select ${p!.id}::uuid, ${r!.id}::uuid, ${r!.created_at}::timestamptz, s, t, ts::timestamptz, p::jsonb
      from unnest(${ev.map((e) => e.seq)}::int[], ${ev.map((e) => e.type)}::text[],
                  ${ev.map((e) => e.ts)}::text[], ${ev.map((e) => JSON.stringify(e.payload))}::text[]) as x(s, t, ts, p)`;
  });
  await pg.end();
  return (RUNS * EVENTS) / (ms / 1000);
}

const appEnv = (url: string, extra: Record<string, string> = {}) => ({
  DATABASE_URL: url,
  RUNLEDGER_ADMIN_PASSWORD: 'bench-admin-password',
  RUNLEDGER_EVALUATOR_CONCURRENCY: '0',
  ...extra,
});

async function ingestRounds() {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
  const one: number[] = [];
  const two: number[] = [];
  const raw: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const n of [1, 2] as const) {
      const db = await freshBenchDatabase(`scale${n}`);
      const key = await seed(db.url);
      const servers = await Promise.all(
        Array.from({ length: n }, () => startBuiltApp({ purpose: 'bench/scale', env: appEnv(db.url) })),
      );
      try {
        (n === 1 ? one : two).push(await ingest(servers, key));
      } finally {
        await Promise.all(servers.map((s) => s.stop()));
        await db.drop();
      }
    }
    const db = await freshBenchDatabase('scaleraw');
    raw.push(await rawIngest(db.url));
    await db.drop();
  }
  const f = (n: number) => `${Math.round(n).toLocaleString('en-US')} events/s`;
  console.log(
    `ingest, ${RUNS} runs x ${EVENTS} events, ${CLIENTS} clients, ${rounds} rounds (medians); load ${load()}`,
  );
  console.log(`  one app server:   ${f(median(one))}   (rounds: ${one.map(f).join(', ')})`);
  console.log(`  two app servers:  ${f(median(two))}   (rounds: ${two.map(f).join(', ')})`);
  console.log(`  raw SQL baseline: ${f(median(raw))}`);
  console.log(
    `  two/one: ${(median(two) / median(one)).toFixed(2)}x; one/raw: ${(median(one) / median(raw)).toFixed(2)}, two/raw: ${(median(two) / median(raw)).toFixed(2)}`,
  );
}

async function replicaLag() {
  const primary = await createPrivatePostgres();
  await primary.start();
  const standby = { current: undefined as Awaited<ReturnType<typeof createPrivateStandby>> | undefined };
  let app: BuiltApp | undefined;
  try {
    const p = connectPostgres(primary.url, 2);
    await runMigrations(p);
    standby.current = await createPrivateStandby(primary);
    await standby.current.start();
    const r = connectPostgres(standby.current.url, 1);
    const key = await seed(primary.url);
    app = await startBuiltApp({
      purpose: 'bench/scale',
      env: appEnv(primary.url, { DATABASE_READ_URL: standby.current.url }),
    });
    const lags: number[] = [];
    const bytes: number[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        lags.push(await measureLag(r.db));
        const [row] = await queryRows<{ b: number }>(
          p.db,
          sql`select coalesce(max(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)), 0)::float8 as b
              from pg_stat_replication`,
        );
        bytes.push(Number(row?.b ?? 0));
        await new Promise((res) => setTimeout(res, 100));
      }
    })();
    const rate = await ingest([app], key);
    sampling = false;
    await sampler;
    const health = await (await fetch(`${app.baseUrl}/api/health`)).json();
    const s = (xs: number[], unit: string, k = 1) =>
      `p50 ${(pct(xs, 50) * k).toFixed(2)} ${unit}, p95 ${(pct(xs, 95) * k).toFixed(2)} ${unit}, max ${(Math.max(...xs) * k).toFixed(2)} ${unit}`;
    console.log(
      `replica lag under ${CLIENTS}-client ingest (${Math.round(rate).toLocaleString('en-US')} events/s into the primary), ${lags.length} samples; load ${load()}`,
    );
    console.log(`  lag (measureLag):      ${s(lags, 's')}`);
    console.log(`  WAL not yet replayed:  ${s(bytes, 'MB', 1 / 1e6)}`);
    console.log(`  /api/health after: ${JSON.stringify(health)}`);
    await r.close();
    await p.close();
  } finally {
    await app?.stop();
    await standby.current?.destroy();
    await primary.destroy();
  }
}

export async function main() {
  console.log(`scale: load ${load()} (${execFileSync('nproc').toString().trim()} cores)`);
  const parts = (process.env.BENCH_SCALE_PARTS ?? 'ingest,replica,expire,history').split(',');
  if (parts.includes('ingest')) await ingestRounds();
  if (parts.includes('replica')) await replicaLag();
  if (parts.includes('expire')) await expireAtScale();
  if (parts.includes('history')) await beforeAfter();
}
