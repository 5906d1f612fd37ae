/**
 * Retention benchmark: 8 clients append event batches (1000 events, as bench/ingest) to the built server
 * on Postgres, first alone, then while the retention job deletes 1,000,000 expired events (1,000 runs of
 * 1,000 events of another project) in batches of at most 1000 rows. Prints the p50/p99 latency of an
 * append in both phases and their ratio (target: p99 with the job <= 2x p99 without).
 *
 *   npx next build && npx tsx --conditions=react-server bench/retention.ts
 *
 * The job runs in this process against the server's database (the server's own timer is switched off),
 * with the server's default pause between batches (RUNLEDGER_RETENTION_PAUSE_MS, 5 ms).
 */
import { pathToFileURL } from 'node:url';
import postgres from 'postgres';
import { connectPostgres } from '@/db/client';
import { putRetention, purgeExpired } from '@/server/retention';
import { startBenchServer } from './lib/server';
import { pct } from './lib/stats';

const EXPIRED_RUNS = Number(process.env.BENCH_EXPIRED_RUNS ?? 1000);
const EVENTS_PER_RUN = 1000;
const CLIENTS = 8;
const BATCH = 1000;
const BASELINE_REQUESTS = Number(process.env.BENCH_BASELINE_REQUESTS ?? 400);
const PAUSE_MS = Number(process.env.RUNLEDGER_RETENTION_PAUSE_MS ?? 5);

function batchBody(from: number): string {
  const ts = new Date().toISOString();
  return JSON.stringify({
    events: Array.from({ length: BATCH }, (_, i) => ({
      seq: from + i,
      type: 'text-delta',
      ts,
      payload: {
        type: 'text-delta',
        id: 'txt',
        delta: 'the model streams a short answer about weather tools ',
      },
    })),
  });
}

/** 8 clients, each appending to its own fresh runs, until `stop()` says so; latencies in ms. */
async function ingest(baseUrl: string, key: string, stop: (done: number) => boolean): Promise<number[]> {
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const body = batchBody(0);
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (!stop(latencies.length)) {
        const created = await fetch(`${baseUrl}/api/v1/runs`, {
          method: 'POST',
          headers,
          body: '{"name":"ingest while retention runs"}',
        });
        const { run } = (await created.json()) as { run: { id: string } };
        const t0 = performance.now();
        const res = await fetch(`${baseUrl}/api/v1/runs/${run.id}/events`, { method: 'POST', headers, body });
        if (res.status !== 200) throw new Error(`append: ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return latencies;
}

export async function main() {
  const server = await startBenchServer('postgres', { RUNLEDGER_RETENTION_INTERVAL_MINUTES: '0' });
  const url = server.databaseUrl!;
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const conn = connectPostgres(url, 2);
  try {
    // The expired project: runs created 100 days ago, 1000 events each; retention 30 days.
    const t0 = performance.now();
    const [old] = await sql<{ id: string }[]>`
      insert into projects (slug, name) values ('expired', 'Expired') returning id`;
    await sql`insert into runs (project_id, name, created_at, model)
      select ${old!.id}::uuid, 'old run ' || g, now() - interval '100 days', 'old-model'
      from generate_series(1, ${EXPIRED_RUNS}) g`;
    await sql`insert into run_events (project_id, run_id, run_created_at, seq, type, payload)
      select r.project_id, r.id, r.created_at, s, 'text-delta', '{"type":"text-delta","delta":"an old answer streaming by"}'::jsonb
      from runs r cross join generate_series(0, ${EVENTS_PER_RUN - 1}) s
      where r.project_id = ${old!.id}::uuid`;
    await sql`analyze run_events`;
    await sql`analyze runs`;
    await putRetention(conn.db, old!.id, { runDays: 30, usageDays: 400 });
    const [{ n: seeded } = { n: 0 }] = await sql<{ n: number }[]>`select count(*)::int as n from run_events`;
    console.log(
      `retention: ${seeded.toLocaleString()} events seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${CLIENTS} clients append batches of ${BATCH}`,
    );

    await ingest(server.baseUrl, server.key, (n) => n >= CLIENTS * 4); // warm-up
    const alone = await ingest(server.baseUrl, server.key, (n) => n >= BASELINE_REQUESTS);

    let jobDone = false;
    const j0 = performance.now();
    const job = purgeExpired(conn.db, { projectId: old!.id, pauseMs: PAUSE_MS }).finally(() => {
      jobDone = true;
    });
    const during = await ingest(server.baseUrl, server.key, () => jobDone);
    const [result] = await job;
    const jobMs = performance.now() - j0;
    const [{ n: left } = { n: -1 }] = await sql<{ n: number }[]>`
      select count(*)::int as n from run_events e join runs r on r.id = e.run_id where r.project_id = ${old!.id}::uuid`;
    if (left !== 0 || result!.events !== EXPIRED_RUNS * EVENTS_PER_RUN) {
      throw new Error(`retention left ${left} events, deleted ${result!.events}`);
    }
    const fmt = (xs: number[]) =>
      `p50 ${pct(xs, 50).toFixed(0).padStart(4)} ms  p99 ${pct(xs, 99).toFixed(0).padStart(4)} ms  (${xs.length} appends)`;
    console.log(
      `  job: deleted ${result!.events.toLocaleString()} events and ${result!.runs} runs in ${result!.batches} batches, ${(jobMs / 1000).toFixed(1)} s (${Math.round(result!.events / (jobMs / 1000)).toLocaleString()} events/s)`,
    );
    console.log(`  append without the job  ${fmt(alone)}`);
    console.log(`  append during the job   ${fmt(during)}`);
    const ratio = pct(during, 99) / pct(alone, 99);
    console.log(`  p99 during / without    ${ratio.toFixed(2)}x (target <= 2x)`);
    return { ratio, p99Alone: pct(alone, 99), p99During: pct(during, 99), jobMs };
  } finally {
    await sql.end({ timeout: 5 });
    await conn.close();
    await server.stop();
  }
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
