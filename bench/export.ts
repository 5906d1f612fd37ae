/**
 * bench/export: the streamed history export (`GET /api/v1/runs/export`) of a project with
 * BENCH_EXPORT_RUNS runs (default 1,000,000) as CSV and as JSONL, through the built app on Postgres.
 * Prints rows/s beside the raw SQL read of the same rows (a postgres.js cursor, newest first), and the
 * server's resident memory (VmRSS, sampled every 50 ms) before and during each export: a streamed
 * export holds one keyset page at a time, so its peak should not grow with the export.
 * `BENCH_SERVER_NODE_ARGS=--max-old-space-size=128` caps the server's heap: the export still completes.
 */
import { readFileSync } from 'node:fs';
import postgres from 'postgres';
import { startBenchServer } from './lib/server';

const RUNS = Number(process.env.BENCH_EXPORT_RUNS ?? 1_000_000);

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line?.replace(/\D+/g, '') ?? 0) / 1024;
}

async function fill(url: string, slug: string, rows: number): Promise<string> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const [{ id }] = await sql<{ id: string }[]>`select id from projects where slug = ${slug}`;
  await sql.begin(async (tx) => {
    // Bulk fill only: skips the rollup triggers, which the export does not read.
    await tx`set local session_replication_role = replica`;
    await tx`
      insert into runs (project_id, name, status, user_id, thread_id, model, tags, metadata, input, output,
                        started_at, ended_at, created_at, updated_at, input_tokens, output_tokens,
                        total_tokens, cost_usd, event_count)
      select ${id}::uuid, 'Export run #' || g || (case when g % 50 = 0 then ', with "quotes", commas' else '' end),
        (case when g % 13 = 0 then 'failed' else 'succeeded' end)::run_status,
        'user_' || (g % 5000), 'thread_' || (g / 4), 'gpt-4o-mini', array['prod'],
        jsonb_build_object('env', 'prod', 'n', g), jsonb_build_object('text', 'question ' || g),
        jsonb_build_object('text', 'answer ' || g || E'\nsecond line'),
        now() - g * interval '1 second', now() - g * interval '1 second' + interval '3 seconds',
        now() - g * interval '1 second', now(), 500, 200, 700, 0.0012, 12
      from generate_series(1, ${rows}) g`;
  });
  await sql`vacuum analyze runs`;
  await sql.end();
  return id;
}

/** The raw baseline: the same rows read newest first through a cursor, 500 at a time. */
async function rawRead(url: string, projectId: string): Promise<{ rows: number; ms: number }> {
  const sql = postgres(url, { max: 1 });
  const t0 = performance.now();
  let rows = 0;
  await sql`select * from runs where project_id = ${projectId} order by created_at desc, id desc`.cursor(
    500,
    (batch) => {
      for (const r of batch) rows += JSON.stringify(r).length > 0 ? 1 : 0;
    },
  );
  const ms = performance.now() - t0;
  await sql.end();
  return { rows, ms };
}

async function exportOnce(baseUrl: string, key: string, pid: number, format: 'csv' | 'jsonl') {
  let peak = rssMb(pid);
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(pid));
  }, 50);
  const t0 = performance.now();
  const res = await fetch(`${baseUrl}/api/v1/runs/export?format=${format}`, {
    headers: { authorization: `Bearer ${key}` },
  });
  if (!res.ok || !res.body) throw new Error(`export ${format}: ${res.status} ${await res.text()}`);
  let bytes = 0;
  let records = 0;
  let inQuotes = false;
  // The server's RSS each time another quarter of the rows has arrived: flat if memory does not grow.
  const quarters: number[] = [];
  let nextQuarter = RUNS / 4;
  const reader = res.body.getReader();
  const csv = format === 'csv';
  for (;;) {
    const { done, value: chunk } = await reader.read();
    if (done) break;
    bytes += chunk.byteLength;
    // Count records: a newline ends one unless it sits inside a quoted CSV cell. Read as bytes (UTF-8
    // never has `"` or a newline inside a multi-byte character), so the client's share of the two
    // cores stays small beside the server's.
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (c === 34 && csv) inQuotes = !inQuotes;
      else if (c === 10 && !inQuotes) records++;
    }
    if (records >= nextQuarter) {
      quarters.push(rssMb(pid));
      nextQuarter += RUNS / 4;
    }
  }
  const ms = performance.now() - t0;
  clearInterval(sampler);
  return { ms, bytes, rows: format === 'csv' ? records - 1 : records, peakMb: peak, quarters };
}

export async function main() {
  const server = await startBenchServer('postgres');
  try {
    const url = server.databaseUrl!;
    const tFill = performance.now();
    const projectId = await fill(url, server.projectSlug, RUNS);
    console.log(
      `filled ${RUNS.toLocaleString()} runs in ${((performance.now() - tFill) / 1000).toFixed(1)} s`,
    );
    // Warm the route (first request compiles/loads its chunks) with a small project-wide read.
    await (
      await fetch(`${server.baseUrl}/api/v1/runs?limit=1`, {
        headers: { authorization: `Bearer ${server.key}` },
      })
    ).text();
    const idleMb = rssMb(server.pid);
    const raw = await rawRead(url, projectId);
    console.log(`server RSS before the exports: ${idleMb.toFixed(0)} MB`);
    console.log(
      '| export | rows | time | rows/s | raw SQL rows/s | ratio | MB sent | server RSS peak (before) | RSS at 1/4, 2/4, 3/4, 4/4 of the rows |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|');
    const rawRate = raw.rows / (raw.ms / 1000);
    for (const format of ['csv', 'jsonl'] as const) {
      const before = rssMb(server.pid);
      const r = await exportOnce(server.baseUrl, server.key, server.pid, format);
      if (r.rows !== RUNS) throw new Error(`${format}: ${r.rows} rows exported, ${RUNS} expected`);
      const rate = r.rows / (r.ms / 1000);
      console.log(
        `| ${format} | ${r.rows.toLocaleString()} | ${(r.ms / 1000).toFixed(1)} s | ${Math.round(rate).toLocaleString()} | ` +
          `${Math.round(rawRate).toLocaleString()} | ${((rate / rawRate) * 100).toFixed(0)}% | ` +
          `${(r.bytes / 1e6).toFixed(0)} | ${r.peakMb.toFixed(0)} MB (${before.toFixed(0)} MB) | ${r.quarters.map((q) => q.toFixed(0)).join(', ')} MB |`,
      );
    }
  } finally {
    await server.stop();
  }
}
