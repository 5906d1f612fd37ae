/**
 * Ingest benchmark: 100 runs x 1000 events (text-delta chunks of ~100 bytes) pushed through
 * `POST /api/v1/runs/{id}/events` in batches of 1000 by 8 concurrent clients, against the built server
 * on Postgres and on PGlite; and the raw baseline: the same rows inserted with postgres.js
 * `INSERT ... SELECT FROM unnest(...)`, batches of 1000 over 8 connections, into a fresh database;
 * and a second baseline between the two, "HTTP + JSON + raw SQL": the same request bodies POSTed by the
 * same clients to a bare `node:http` server (bench/lib/http-raw-server.ts) that JSON.parses them and
 * runs the raw insert. raw → HTTP is what any HTTP JSON API pays; HTTP → API is Next.js's request
 * handling plus the app's own work (auth, validation, counters, search words, the answer). Each round
 * then sends the same bodies without an insert: to the bare server's parse-only path, and to the app
 * for runs that do not exist (a 404 after everything but the insert): the request work alone.
 *
 *   npx next build && npx tsx --conditions=react-server bench/ingest.ts
 *
 * It also prints where an append's time goes: the server's per-phase Server-Timing summed over the
 * appends (RUNLEDGER_SERVER_TIMING=1 on the bench server), and the database side alone.
 *
 * BENCH_INGEST_CORES=split: the local Postgres server on CPU 0, the app server and this client on the
 * others (taskset), for the rounds on Postgres: the database with a core of its own, as deployed.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import postgres from 'postgres';
import { connectPostgres } from '@/db/client';
import { appendEvents } from '@/server/events';
import { splitCores } from './lib/cores';
import { type BenchServer, freshBenchDatabase, startBenchServer } from './lib/server';
import { type CpuMeter, type CpuSample, cpuLines, databasesOf, metered, noCpu } from './lib/cpu';
import { median } from './lib/stats';
import { monotonicUs, profileLines, type Window } from './lib/node-profile';

const RUNS = Number(process.env.BENCH_RUNS ?? 100);
const EVENTS_PER_RUN = 1000;
const BATCH = 1000;
const CONCURRENCY = 8;

type Event = { seq: number; type: string; ts: string; payload: { type: string; id: string; delta: string } };

const words = 'the model streams a short answer about weather tools and datasets while the user waits'.split(
  ' ',
);

function makeEvents(runIndex: number): Event[] {
  const t0 = Date.UTC(2026, 10, 23, 6) + runIndex * 60_000;
  return Array.from({ length: EVENTS_PER_RUN }, (_, seq) => {
    let delta = '';
    for (let w = seq; delta.length < 60; w += 7) delta += `${words[(w + runIndex) % words.length]} `;
    return {
      seq,
      type: 'text-delta',
      ts: new Date(t0 + seq * 15).toISOString(),
      payload: { type: 'text-delta', id: `txt-${runIndex}`, delta },
    };
  });
}

/** Runs `jobs` with `concurrency` workers; returns the wall time in ms. */
async function pool<T>(jobs: T[], concurrency: number, work: (job: T) => Promise<void>): Promise<number> {
  const queue = [...jobs];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let job = queue.shift(); job !== undefined; job = queue.shift()) await work(job);
    }),
  );
  return performance.now() - t0;
}

/**
 * Where the time of the API's appends went: the server's Server-Timing phases (RUNLEDGER_SERVER_TIMING)
 * summed over every append, and the latency each request had at the client.
 */
type Split = { requests: number; latency: number; phases: Map<string, number> };
const newSplit = (): Split => ({ requests: 0, latency: 0, phases: new Map() });

function addServerTiming(split: Split, header: string | null): void {
  for (const part of (header ?? '').split(',')) {
    const m = /^\s*([^;]+);dur=([0-9.]+)/.exec(part);
    if (m) split.phases.set(m[1]!, (split.phases.get(m[1]!) ?? 0) + Number(m[2]));
  }
}

/** The split as lines: ms per request and share of the request's latency at the client. */
export function formatSplit(split: Split): string[] {
  const per = (ms: number) => ms / Math.max(1, split.requests);
  const pct = (ms: number) => `${((ms / split.latency) * 100).toFixed(0).padStart(3)}%`;
  const get = (k: string) => split.phases.get(k) ?? 0;
  const handler = get('handler');
  const inHandler = ['serialize', 'words', 'db', 'db tx'];
  const rows: [string, number][] = [
    ['auth (API key lookup)', get('auth')],
    ['body (read the request stream)', get('body')],
    ['parse (JSON.parse + storable check)', get('parse')],
    ['validate (zod, 1000 events)', get('validate')],
    ...inHandler.map((k): [string, number] => [`append: ${k}`, get(k)]),
    ['append: other', Math.max(0, handler - inHandler.reduce((n, k) => n + get(k), 0))],
    ['answer (JSON response)', get('answer')],
  ];
  const server = ['auth', 'body', 'parse', 'validate', 'handler', 'answer'].reduce((n, k) => n + get(k), 0);
  rows.push(['outside the handler (HTTP, Next.js, client)', Math.max(0, split.latency - server)]);
  return [
    `  where an append's time goes (${split.requests} requests, mean latency ${per(split.latency).toFixed(1)} ms at 8 clients):`,
    ...rows.map(([k, v]) => `    ${k.padEnd(46)} ${per(v).toFixed(2).padStart(7)} ms ${pct(v)}`),
  ];
}

type Job = { url: string; body: string; n: number };

/** POSTs every job's body with CONCURRENCY clients, checking each answer; timed and metered. */
async function postAll(
  jobs: Job[],
  headers: Record<string, string>,
  split?: Split,
  cpu?: CpuMeter,
  windows?: Window[],
  expectStatus = 200,
): Promise<{ accepted: number; ms: number }> {
  let accepted = 0;
  const from = monotonicUs();
  const ms = await metered(cpu, () =>
    pool(jobs, CONCURRENCY, async (job) => {
      const t0 = performance.now();
      const res = await fetch(job.url, { method: 'POST', headers, body: job.body });
      if (res.status !== expectStatus) throw new Error(`append: ${res.status} ${await res.text()}`);
      if (expectStatus !== 200) {
        // The no-insert probe: the answer is the contract's error body; the events count as handled.
        await res.arrayBuffer();
        accepted += job.n;
        return;
      }
      const body = (await res.json()) as { accepted: number; duplicates: number };
      if (split) {
        split.requests++;
        split.latency += performance.now() - t0;
        addServerTiming(split, res.headers.get('server-timing'));
      }
      if (body.accepted !== job.n) throw new Error(`append: accepted ${body.accepted} of ${job.n}`);
      accepted += body.accepted;
    }),
  );
  windows?.push([from, monotonicUs()]);
  return { accepted, ms };
}

/** One timed API round on a started server: RUNS new runs, every event of `events` into them. */
async function apiRound(
  server: BenchServer,
  events: Event[][],
  split?: Split,
  cpu?: CpuMeter,
  windows?: Window[],
): Promise<number> {
  {
    const headers = { authorization: `Bearer ${server.key}`, 'content-type': 'application/json' };
    const runIds: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      const res = await fetch(`${server.baseUrl}/api/v1/runs`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ name: `bench run ${i}`, model: 'bench-model', userId: `user-${i % 10}` }),
      });
      if (res.status !== 201) throw new Error(`create run: ${res.status} ${await res.text()}`);
      runIds.push((await res.json()).run.id);
    }
    // Bodies are serialized up front: the figure is the server's, not the client's JSON.stringify.
    const jobs: Job[] = [];
    runIds.forEach((id, r) => {
      for (let from = 0; from < EVENTS_PER_RUN; from += BATCH) {
        const batch = events[r]!.slice(from, from + BATCH);
        jobs.push({
          url: `${server.baseUrl}/api/v1/runs/${id}/events`,
          body: JSON.stringify({ events: batch }),
          n: batch.length,
        });
      }
    });
    const { accepted, ms } = await postAll(jobs, headers, split, cpu, windows);
    // Check: the runs' counters agree with what was sent.
    let counted = 0;
    for (const id of runIds) {
      const { run } = await (await fetch(`${server.baseUrl}/api/v1/runs/${id}`, { headers })).json();
      counted += run.eventCount;
    }
    if (accepted !== RUNS * EVENTS_PER_RUN || counted !== accepted) {
      throw new Error(`API (${server.driver}): accepted ${accepted}, runs count ${counted}`);
    }
    return (accepted / ms) * 1000;
  }
}

/** Warm-up: compile the route and open the pool's connections (small calls on a spare run). */
async function warmUp(server: BenchServer): Promise<void> {
  const headers = { authorization: `Bearer ${server.key}`, 'content-type': 'application/json' };
  const warm = await fetch(`${server.baseUrl}/api/v1/runs`, {
    method: 'POST',
    headers,
    body: '{"name":"warm"}',
  });
  const warmId = (await warm.json()).run.id;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, (_, i) =>
      fetch(`${server.baseUrl}/api/v1/runs/${warmId}/events`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ events: [{ seq: i, type: 'warm' }] }),
      }),
    ),
  );
}

/** One timed raw round: RUNS new run rows, every event inserted with unnest over 8 connections. */
async function rawRound(sql: postgres.Sql, events: Event[][], cpu?: CpuMeter): Promise<number> {
  {
    const [project] = await sql<{ id: string }[]>`
      insert into projects (slug, name) values (${`raw-${randomUUID()}`}, 'raw') returning id`;
    const runIds = Array.from({ length: RUNS }, () => randomUUID());
    await sql`insert into runs (id, project_id, name) select unnest(${runIds}::uuid[]), ${project!.id}, 'raw'`;
    const jobs: { runId: string; batch: Event[] }[] = [];
    runIds.forEach((runId, r) => {
      for (let from = 0; from < EVENTS_PER_RUN; from += BATCH)
        jobs.push({ runId, batch: events[r]!.slice(from, from + BATCH) });
    });
    const ms = await metered(cpu, () =>
      pool(jobs, CONCURRENCY, async ({ runId, batch }) => {
        await sql`
        insert into run_events (project_id, run_id, run_created_at, seq, type, ts, payload)
        select r.project_id, r.id, r.created_at, x.seq, x.type, x.ts, x.payload::jsonb
        from runs r, unnest(${batch.map((e) => e.seq)}::int[], ${batch.map((e) => e.type)}::text[],
                    ${batch.map((e) => e.ts)}::timestamptz[], ${batch.map((e) => JSON.stringify(e.payload))}::text[])
          as x(seq, type, ts, payload) where r.id = ${runId}::uuid`;
      }),
    );
    const [row] = await sql<{ n: number }[]>`
      select count(*)::int as n from run_events where run_id = any(${runIds}::uuid[])`;
    const n = row!.n;
    if (n !== RUNS * EVENTS_PER_RUN) throw new Error(`raw: stored ${n}`);
    return (n / ms) * 1000;
  }
}

/** The bare node:http server of the second baseline, started on the raw baseline's database. */
type RawHttpServer = { baseUrl: string; pid: number; stop: () => Promise<void> };

async function startRawHttpServer(databaseUrl: string, nodeArgs: string[] = []): Promise<RawHttpServer> {
  const script = fileURLToPath(new URL('./lib/http-raw-server.ts', import.meta.url));
  const child = spawn(process.execPath, [...nodeArgs, script], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`http-raw-server exited (${code}): ${out}`)));
  });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    stop: async () => {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** One timed "HTTP + JSON + raw SQL" round: the API's request bodies to the bare server. */
async function httpRound(
  server: RawHttpServer,
  sql: postgres.Sql,
  events: Event[][],
  cpu?: CpuMeter,
  windows?: Window[],
): Promise<number> {
  const [project] = await sql<{ id: string }[]>`
    insert into projects (slug, name) values (${`http-${randomUUID()}`}, 'http') returning id`;
  const runIds = Array.from({ length: RUNS }, () => randomUUID());
  await sql`insert into runs (id, project_id, name) select unnest(${runIds}::uuid[]), ${project!.id}, 'http'`;
  const jobs: Job[] = [];
  runIds.forEach((id, r) => {
    for (let from = 0; from < EVENTS_PER_RUN; from += BATCH) {
      const batch = events[r]!.slice(from, from + BATCH);
      jobs.push({
        url: `${server.baseUrl}/runs/${id}/events`,
        body: JSON.stringify({ events: batch }),
        n: batch.length,
      });
    }
  });
  const { accepted, ms } = await postAll(
    jobs,
    { 'content-type': 'application/json' },
    undefined,
    cpu,
    windows,
  );
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from run_events where run_id = any(${runIds}::uuid[])`;
  if (accepted !== RUNS * EVENTS_PER_RUN || row!.n !== accepted)
    throw new Error(`HTTP + raw: accepted ${accepted}, stored ${row!.n}`);
  return (accepted / ms) * 1000;
}

/**
 * The request work alone, no insert: the same bodies to the bare server's `/parse` (read, JSON.parse,
 * answer) and to the app for runs that do not exist (404 after the API key, the body read, parse,
 * validation, search words and the append statement, which finds no run). Returns events/s and the
 * server's CPU per 1,000 events.
 */
async function noInsertRound(
  url: (runId: string) => string,
  headers: Record<string, string>,
  expectStatus: number,
  events: Event[][],
  cpu: CpuMeter,
  windows?: Window[],
): Promise<number> {
  const jobs: Job[] = events.map((batch) => ({
    url: url(randomUUID()),
    body: JSON.stringify({ events: batch.slice(0, BATCH) }),
    n: Math.min(batch.length, BATCH),
  }));
  const { accepted, ms } = await postAll(jobs, headers, undefined, cpu, windows, expectStatus);
  return (accepted / ms) * 1000;
}

/**
 * The triggers an append fires besides its statement's own work (BENCH_NO_TRIGGERS, and dbSplit's A/B).
 * The replay checkpoints' invalidation is in the append's statement since migration 0031 (no trigger).
 */
const WRITE_TRIGGERS = [
  ['runs', 'runs_cost_insert'],
  ['runs', 'runs_cost_update'],
] as const;

async function setWriteTriggers(sql: postgres.Sql, on: boolean): Promise<void> {
  for (const [table, name] of WRITE_TRIGGERS)
    await sql.unsafe(`alter table ${table} ${on ? 'enable' : 'disable'} trigger ${name}`);
}

/**
 * The database side of one append, alone on one connection (no HTTP, no concurrency): the raw unnest
 * insert, the same rows from the body's JSON text (jsonb_to_recordset, what the append uses), and the
 * whole append statement (run check, insert, counters, search words, prices), per 1000-event batch;
 * then the raw insert and the append in a second database whose write triggers are disabled (their
 * cost, A/B in the same interleaved loop; a second database, so no ALTER between cases drops the
 * prepared plans).
 */
async function dbSplit(url: string, events: Event[][]): Promise<string[]> {
  const n = Math.min(20, events.length);
  const bodies = events.slice(0, n).map((batch) => JSON.stringify({ events: batch }));
  const off = await freshBenchDatabase('trigoff');
  const sides = [url, off.url].map((u) => ({
    sql: postgres(u, { max: 1, onnotice: () => {} }),
    conn: connectPostgres(u, 1),
    project: '',
  }));
  try {
    await setWriteTriggers(sides[1]!.sql, false);
    for (const side of sides) {
      const [project] = await side.sql<{ id: string }[]>`
        insert into projects (slug, name) values (${`split-${randomUUID()}`}, 'split') returning id`;
      side.project = project!.id;
    }
    type Case = [string, (typeof sides)[number], (i: number, runId: string) => Promise<unknown>];
    const raw = (side: (typeof sides)[number]) => (i: number, runId: string) => {
      const batch = events[i]!;
      return side.sql`insert into run_events (project_id, run_id, run_created_at, seq, type, ts, payload)
        select r.project_id, r.id, r.created_at, x.seq, x.type, x.ts, x.payload::jsonb
        from runs r, unnest(${batch.map((e) => e.seq)}::int[], ${batch.map((e) => e.type)}::text[],
                    ${batch.map((e) => e.ts)}::timestamptz[], ${batch.map((e) => JSON.stringify(e.payload))}::text[])
          as x(seq, type, ts, payload) where r.id = ${runId}::uuid`;
    };
    const append = (side: (typeof sides)[number]) => (i: number, runId: string) =>
      appendEvents(side.conn.db, side.project, runId, events[i]!, { bodyJson: bodies[i]! });
    const [on, noTriggers] = sides as [(typeof sides)[number], (typeof sides)[number]];
    const work: Case[] = [
      ['raw unnest insert', on, raw(on)],
      [
        // ::text first: postgres.js would serialize a string sent as jsonb as a JSON string.
        'insert from the JSON body (jsonb_to_recordset)',
        on,
        (
          i,
          runId,
        ) => on.sql`insert into run_events (project_id, run_id, run_created_at, seq, type, ts, payload)
            select r.project_id, r.id, r.created_at, x.seq::int, x.type, coalesce(x.ts, now()), coalesce(x.payload, '{}'::jsonb)
            from runs r, jsonb_to_recordset(${bodies[i]!}::text::jsonb -> 'events') as x(seq numeric, type text, ts timestamptz, payload jsonb)
            where r.id = ${runId}::uuid
            on conflict (run_id, seq, project_id, run_created_at) do nothing`,
      ],
      ['appendEvents (+ run check, counters, search words)', on, append(on)],
      ['raw unnest insert, write triggers off', noTriggers, raw(noTriggers)],
      ['appendEvents, write triggers off', noTriggers, append(noTriggers)],
    ];
    // Interleaved (batch by batch, each case on a run of its own) so load from elsewhere hits all
    // alike; the first batch warms up and is not counted.
    const ids = work.map(() => Array.from({ length: n + 1 }, () => randomUUID()));
    for (const side of sides) {
      const mine = ids.filter((_, c) => work[c]![1] === side).flat();
      await side.sql`insert into runs (id, project_id, name) select unnest(${mine}::uuid[]), ${side.project}, 'split'`;
    }
    const totals = work.map(() => 0);
    for (let i = 0; i <= n; i++) {
      for (let c = 0; c < work.length; c++) {
        const t0 = performance.now();
        await work[c]![2](Math.max(0, i - 1), ids[c]![i]!);
        if (i > 0) totals[c]! += performance.now() - t0;
      }
    }
    const cases = work.map(([k], c): [string, number] => [k, totals[c]! / n]);
    const base = cases[0]![1];
    return [
      '  the database side alone (one connection, mean per 1000-event batch):',
      ...cases.map(
        ([k, ms]) => `    ${k.padEnd(52)} ${ms.toFixed(1).padStart(6)} ms  ${(ms / base).toFixed(2)}x`,
      ),
    ];
  } finally {
    for (const side of sides) {
      await side.sql.end({ timeout: 5 });
      await side.conn.close();
    }
    await off.drop();
  }
}

const fmt = (n: number) => `${Math.round(n).toLocaleString('en-US')} events/s`.padStart(18);

const pct = (a: number, b: number) => `${((a / b) * 100).toFixed(0)}%`;

/**
 * Raw, HTTP + raw and API-on-Postgres rounds alternate (BENCH_ROUNDS, default 3; each round starts with
 * the next case) so that load from other processes on the host hits all alike; the medians are
 * compared. PGlite runs after, on its own server (BENCH_INGEST_PGLITE=0 leaves it out).
 */
export async function main(): Promise<{
  apiPostgres: number;
  apiPglite: number;
  raw: number;
  http: number;
  ratio: number;
}> {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const events = Array.from({ length: RUNS }, (_, r) => makeEvents(r));
  const bytes = JSON.stringify(events[0]![1]!.payload).length;
  console.log(
    `ingest: ${RUNS} runs x ${EVENTS_PER_RUN} events (payload ~${bytes} B), batches of ${BATCH}, ${CONCURRENCY} clients, ${rounds} rounds`,
  );
  const rawDb = await freshBenchDatabase('raw');
  const sql = postgres(rawDb.url, { max: CONCURRENCY, onnotice: () => {} });
  // BENCH_INGEST_PROFILE=1: both servers under --cpu-prof, summarized over their timed rounds.
  const profile = process.env.BENCH_INGEST_PROFILE === '1';
  const profDirs = profile
    ? {
        api: mkdtempSync(path.join(tmpdir(), 'ingest-prof-api-')),
        http: mkdtempSync(path.join(tmpdir(), 'ingest-prof-http-')),
      }
    : null;
  const profArgs = (dir?: string) => (dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : []);
  const windows = { api: [] as Window[], http: [] as Window[], miss: [] as Window[], parse: [] as Window[] };
  // Idle keep-alive sockets outlive the other cases' rounds (the standalone server's default is 5 s: at
  // this load its close raced the client's next request on the same socket).
  const pgServer = await startBenchServer(
    'postgres',
    { RUNLEDGER_SERVER_TIMING: '1', KEEP_ALIVE_TIMEOUT: '60000' },
    profArgs(profDirs?.api),
  );
  const httpServer = await startRawHttpServer(rawDb.url, profArgs(profDirs?.http));
  const raws: number[] = [];
  const https: number[] = [];
  const apis: number[] = [];
  const split = newSplit();
  const rawCpu = noCpu();
  const httpCpu = noCpu();
  const apiCpu = noCpu();
  // The request work alone (noInsertRound): the bare server's parse-only answer, the app's 404.
  const parses: number[] = [];
  const misses: number[] = [];
  const parseCpu = noCpu();
  const missCpu = noCpu();
  let dbLines: string[] = [];
  let cores: Awaited<ReturnType<typeof splitCores>> = null;
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, () => sql`select 1`));
    if (process.env.BENCH_NO_TRIGGERS === '1') {
      // A/B of the write triggers' cost under load: off in both databases of this run.
      const server = postgres(pgServer.databaseUrl!, { max: 1, onnotice: () => {} });
      await setWriteTriggers(server, false);
      await server.end();
      await setWriteTriggers(sql, false);
      console.log('  write triggers disabled (BENCH_NO_TRIGGERS=1)');
    }
    if (process.env.BENCH_INGEST_CORES === 'split') {
      cores = await splitCores(sql, [pgServer.pid, httpServer.pid, process.pid]);
      if (cores) console.log(`  cores split: ${cores.describe}`);
    }
    await warmUp(pgServer);
    // The bare server's warm-up: one round of its own (connections opened, the insert prepared).
    await httpRound(httpServer, sql, events);
    const dbs = databasesOf(rawDb.url, pgServer.databaseUrl);
    const cases = [
      () => rawRound(sql, events, { databases: dbs, total: rawCpu }).then((x) => raws.push(x)),
      () =>
        httpRound(
          httpServer,
          sql,
          events,
          { databases: dbs, serverPid: httpServer.pid, total: httpCpu },
          windows.http,
        ).then((x) => https.push(x)),
      () =>
        apiRound(
          pgServer,
          events,
          split,
          { databases: dbs, serverPid: pgServer.pid, total: apiCpu },
          windows.api,
        ).then((x) => apis.push(x)),
    ];
    const apiHeaders = { authorization: `Bearer ${pgServer.key}`, 'content-type': 'application/json' };
    for (let i = 0; i < rounds; i++) {
      for (let c = 0; c < cases.length; c++) await cases[(i + c) % cases.length]!();
      console.log(
        `  round ${i + 1}: raw ${fmt(raws[i]!)}   HTTP + raw ${fmt(https[i]!)}   API on Postgres ${fmt(apis[i]!)}   (${pct(https[i]!, raws[i]!)} / ${pct(apis[i]!, raws[i]!)} of raw)`,
      );
      parses.push(
        await noInsertRound(
          (id) => `${httpServer.baseUrl}/runs/${id}/parse`,
          { 'content-type': 'application/json' },
          200,
          events,
          { databases: dbs, serverPid: httpServer.pid, total: parseCpu },
          windows.parse,
        ),
      );
      misses.push(
        await noInsertRound(
          (id) => `${pgServer.baseUrl}/api/v1/runs/${id}/events`,
          apiHeaders,
          404,
          events,
          { databases: dbs, serverPid: pgServer.pid, total: missCpu },
          windows.miss,
        ),
      );
    }
    dbLines = await dbSplit(rawDb.url, events);
  } finally {
    cores?.restore();
    await httpServer.stop();
    await pgServer.stop();
    await sql.end({ timeout: 5 });
    await rawDb.drop();
  }
  const pglites: number[] = [];
  if (process.env.BENCH_INGEST_PGLITE !== '0') {
    const pgliteServer = await startBenchServer('pglite');
    try {
      await warmUp(pgliteServer);
      for (let i = 0; i < Math.min(rounds, 2); i++) pglites.push(await apiRound(pgliteServer, events));
    } finally {
      await pgliteServer.stop();
    }
  }
  const raw = median(raws);
  const http = median(https);
  const apiPostgres = median(apis);
  const apiPglite = pglites.length ? median(pglites) : Number.NaN;
  const ratio = apiPostgres / raw;
  console.log(`  raw postgres.js unnest insert          ${fmt(raw)} (median)`);
  console.log(`  node:http + JSON.parse + raw insert    ${fmt(http)} (median)   ${pct(http, raw)} of raw`);
  console.log(
    `  API on Postgres                        ${fmt(apiPostgres)} (median)   ${pct(apiPostgres, raw)} of raw, ${pct(apiPostgres, http)} of HTTP + raw`,
  );
  if (pglites.length) console.log(`  API on PGlite                          ${fmt(apiPglite)} (median)`);
  console.log(`  API (Postgres) / raw                   ${pct(ratio, 1).padStart(18)} (target >= 75%)`);
  const units = (rounds * RUNS * EVENTS_PER_RUN) / 1000;
  const serverMs = (c: CpuSample) => (c.server / units).toFixed(1);
  console.log(
    `  no insert, the request work alone (same bodies):  node:http + JSON.parse, answer ${fmt(median(parses))}, its CPU ${serverMs(parseCpu)} ms per 1000 events`,
  );
  console.log(
    `    the app, a run that does not exist (404 after auth, body, parse, validation, words, one statement) ${fmt(median(misses))}, the app server's CPU ${serverMs(missCpu)} ms per 1000 events (${(missCpu.server / Math.max(1, parseCpu.server)).toFixed(1)}x)`,
  );
  const cpu = cpuLines('1000 events', units, rawCpu, apiCpu, 'API', [['HTTP + raw', httpCpu]]);
  for (const line of [...formatSplit(split), ...cpu, ...dbLines]) console.log(line);
  if (profDirs) {
    for (const line of [
      ...profileLines(profDirs.http, windows.http, 'node:http + JSON.parse + raw insert server'),
      ...profileLines(profDirs.api, windows.api, 'the app server (Next.js standalone)'),
      ...profileLines(profDirs.http, windows.parse, 'no insert: node:http + JSON.parse, answer'),
      ...profileLines(profDirs.api, windows.miss, 'no insert: the app, a run that does not exist (404)'),
    ])
      console.log(line);
    for (const dir of Object.values(profDirs)) rmSync(dir, { recursive: true, force: true });
  }
  return { apiPostgres, apiPglite, raw, http, ratio };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
