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
import { freshBenchDatabase, startBenchServer } from './lib/server';

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

async function benchApi(driver: 'postgres' | 'pglite', events: Event[][]): Promise<number> {
  const server = await startBenchServer(driver);
  try {
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
    // Warm-up: compile the route and fill the connection pool (one small call on a spare run).
    const warm = await fetch(`${server.baseUrl}/api/v1/runs`, {
      method: 'POST',
      headers,
      body: '{"name":"warm"}',
    });
    const warmId = (await warm.json()).run.id;
    for (let i = 0; i < CONCURRENCY; i++) {
      await fetch(`${server.baseUrl}/api/v1/runs/${warmId}/events`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ events: [{ seq: i, type: 'warm' }] }),
      });
    }
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
    let cursor: string | null = null;
    do {
      const page: { data: { eventCount: number; id: string }[]; nextCursor: string | null } = await (
        await fetch(`${server.baseUrl}/api/v1/runs?limit=200${cursor ? `&cursor=${cursor}` : ''}`, {
          headers,
        })
      ).json();
      for (const r of page.data) if (r.id !== warmId) counted += r.eventCount;
      cursor = page.nextCursor;
    } while (cursor);
    if (accepted !== RUNS * EVENTS_PER_RUN || counted !== accepted) {
      throw new Error(`API (${driver}): accepted ${accepted}, runs count ${counted}`);
    }
    return (accepted / ms) * 1000;
  } finally {
    await server.stop();
  }
}

async function benchRaw(events: Event[][]): Promise<number> {
  const db = await freshBenchDatabase('raw');
  const sql = postgres(db.url, { max: CONCURRENCY, onnotice: () => {} });
  try {
    const [project] = await sql<{ id: string }[]>`
      insert into projects (slug, name) values ('raw', 'raw') returning id`;
    const runIds = Array.from({ length: RUNS }, () => randomUUID());
    await sql`insert into runs (id, project_id, name) select unnest(${runIds}::uuid[]), ${project!.id}, 'raw'`;
    const jobs: { runId: string; batch: Event[] }[] = [];
    runIds.forEach((runId, r) => {
      for (let from = 0; from < EVENTS_PER_RUN; from += BATCH)
        jobs.push({ runId, batch: events[r]!.slice(from, from + BATCH) });
    });
    // Warm every connection.
    await Promise.all(Array.from({ length: CONCURRENCY }, () => sql`select 1`));
    const ms = await pool(jobs, CONCURRENCY, async ({ runId, batch }) => {
      await sql`
        insert into run_events (run_id, seq, type, ts, payload)
        select ${runId}::uuid, x.seq, x.type, x.ts, x.payload::jsonb
        from unnest(${batch.map((e) => e.seq)}::int[], ${batch.map((e) => e.type)}::text[],
                    ${batch.map((e) => e.ts)}::timestamptz[], ${batch.map((e) => JSON.stringify(e.payload))}::text[])
          as x(seq, type, ts, payload)`;
    });
    const [row] = await sql<{ n: number }[]>`select count(*)::int as n from run_events`;
    const n = row!.n;
    if (n !== RUNS * EVENTS_PER_RUN) throw new Error(`raw: stored ${n}`);
    return (n / ms) * 1000;
  } finally {
    await sql.end({ timeout: 5 });
    await db.drop();
  }
}

const fmt = (n: number) => `${Math.round(n).toLocaleString('en-US')} events/s`;

export async function main(): Promise<{
  apiPostgres: number;
  apiPglite: number;
  raw: number;
  ratio: number;
}> {
  const events = Array.from({ length: RUNS }, (_, r) => makeEvents(r));
  const bytes = JSON.stringify(events[0]![1]!.payload).length;
  console.log(
    `ingest: ${RUNS} runs x ${EVENTS_PER_RUN} events (payload ~${bytes} B), batches of ${BATCH}, ${CONCURRENCY} clients`,
  );
  // BENCH_TARGETS=raw,postgres,pglite (default all) runs a subset, e.g. while profiling.
  const targets = (process.env.BENCH_TARGETS ?? 'raw,postgres,pglite').split(',');
  const raw = targets.includes('raw') ? await benchRaw(events) : Number.NaN;
  if (targets.includes('raw')) console.log(`  raw postgres.js unnest insert   ${fmt(raw)}`);
  const apiPostgres = targets.includes('postgres') ? await benchApi('postgres', events) : Number.NaN;
  if (targets.includes('postgres')) console.log(`  API on Postgres                 ${fmt(apiPostgres)}`);
  const apiPglite = targets.includes('pglite') ? await benchApi('pglite', events) : Number.NaN;
  if (targets.includes('pglite')) console.log(`  API on PGlite                   ${fmt(apiPglite)}`);
  const ratio = apiPostgres / raw;
  console.log(`  API (Postgres) / raw            ${(ratio * 100).toFixed(0)}% (target >= 50%)`);
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
