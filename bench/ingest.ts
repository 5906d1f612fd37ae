/**
 * Ingest benchmark: 100 runs x 1000 events (text-delta chunks of ~100 bytes) pushed through
 * `POST /api/v1/runs/{id}/events` in batches of 1000 by 8 concurrent clients, against the built server
 * on Postgres and on PGlite; and the raw baseline: the same rows inserted with postgres.js
 * `INSERT ... SELECT FROM unnest(...)`, batches of 1000 over 8 connections, into a fresh database.
 *
 *   npx next build && npx tsx --conditions=react-server bench/ingest.ts
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import postgres from 'postgres';
import { type BenchServer, freshBenchDatabase, startBenchServer } from './lib/server';

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

/** One timed API round on a started server: RUNS new runs, every event of `events` into them. */
async function apiRound(server: BenchServer, events: Event[][]): Promise<number> {
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
    const jobs: { url: string; body: string; n: number }[] = [];
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
    let accepted = 0;
    const ms = await pool(jobs, CONCURRENCY, async (job) => {
      const res = await fetch(job.url, { method: 'POST', headers, body: job.body });
      if (res.status !== 200) throw new Error(`append: ${res.status} ${await res.text()}`);
      const body = (await res.json()) as { accepted: number; duplicates: number };
      if (body.accepted !== job.n) throw new Error(`append: accepted ${body.accepted} of ${job.n}`);
      accepted += body.accepted;
    });
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
async function rawRound(sql: postgres.Sql, events: Event[][]): Promise<number> {
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
    const ms = await pool(jobs, CONCURRENCY, async ({ runId, batch }) => {
      await sql`
        insert into run_events (run_id, seq, type, ts, payload)
        select ${runId}::uuid, x.seq, x.type, x.ts, x.payload::jsonb
        from unnest(${batch.map((e) => e.seq)}::int[], ${batch.map((e) => e.type)}::text[],
                    ${batch.map((e) => e.ts)}::timestamptz[], ${batch.map((e) => JSON.stringify(e.payload))}::text[])
          as x(seq, type, ts, payload)`;
    });
    const [row] = await sql<{ n: number }[]>`
      select count(*)::int as n from run_events where run_id = any(${runIds}::uuid[])`;
    const n = row!.n;
    if (n !== RUNS * EVENTS_PER_RUN) throw new Error(`raw: stored ${n}`);
    return (n / ms) * 1000;
  }
}

const fmt = (n: number) => `${Math.round(n).toLocaleString('en-US')} events/s`.padStart(18);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/**
 * Raw and API-on-Postgres rounds alternate (BENCH_ROUNDS, default 3) so that load from other processes
 * on the host hits both alike; the medians are compared. PGlite runs after, on its own server.
 */
export async function main(): Promise<{
  apiPostgres: number;
  apiPglite: number;
  raw: number;
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
  const pgServer = await startBenchServer('postgres');
  const raws: number[] = [];
  const apis: number[] = [];
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, () => sql`select 1`));
    await warmUp(pgServer);
    for (let i = 0; i < rounds; i++) {
      raws.push(await rawRound(sql, events));
      apis.push(await apiRound(pgServer, events));
      console.log(`  round ${i + 1}: raw ${fmt(raws[i]!)}   API on Postgres ${fmt(apis[i]!)}`);
    }
  } finally {
    await pgServer.stop();
    await sql.end({ timeout: 5 });
    await rawDb.drop();
  }
  const pgliteServer = await startBenchServer('pglite');
  const pglites: number[] = [];
  try {
    await warmUp(pgliteServer);
    for (let i = 0; i < Math.min(rounds, 2); i++) pglites.push(await apiRound(pgliteServer, events));
  } finally {
    await pgliteServer.stop();
  }
  const raw = median(raws);
  const apiPostgres = median(apis);
  const apiPglite = median(pglites);
  const ratio = apiPostgres / raw;
  console.log(`  raw postgres.js unnest insert ${fmt(raw)} (median)`);
  console.log(`  API on Postgres               ${fmt(apiPostgres)} (median)`);
  console.log(`  API on PGlite                 ${fmt(apiPglite)} (median)`);
  console.log(`  API (Postgres) / raw          ${(ratio * 100).toFixed(0).padStart(9)}% (target >= 50%)`);
  return { apiPostgres, apiPglite, raw, ratio };
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
