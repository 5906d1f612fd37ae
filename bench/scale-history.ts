/**
 * History and replay reads before and after run_events was partitioned, in one run (part of
 * bench/scale): a database at the last migration before it (0023), filled by bench/history's fill
 * (BENCH_SCALE_HISTORY_RUNS runs, default 100,000, and BENCH_SCALE_HISTORY_EVENTS events, default
 * 2,000,000, over 90 days) plus a run of 1,000 and one of 20,000 events; measured; migrated by the real
 * migrations (0024 on); measured again.
 *
 * What is compared: the history reads are the current app's functions on both databases
 * (`listRuns` reads only `runs`, `firstContentMatches` names events by `run_id` alone, so the same
 * statements run on both schemas). The replay read (a whole run through `listEvents`' pages of 1,000)
 * cannot run the current function on the old table (it names `run_created_at`): before is the
 * statements `listEvents` sent at 0023 (by run_id, seq), sent with postgres.js; after is the current
 * `listEvents` and, beside it, its statements sent with postgres.js (raw against raw).
 */
import { loadavg } from 'node:os';
import type postgres from 'postgres';
import { runMigrations } from '@/db/migrate';
import { listEvents } from '@/server/events';
import { listRuns } from '@/server/runs';
import { firstContentMatches } from '@/server/search';
import { checkFill, fill, MAIN, time } from './history';
import { benchServerUrl, olderBenchDatabase } from './lib/server';
import { pct } from './lib/stats';

const RUNS = Number(process.env.BENCH_SCALE_HISTORY_RUNS ?? 100_000);
const EVENTS = Number(process.env.BENCH_SCALE_HISTORY_EVENTS ?? 2_000_000);
const REPLAY = [1000, 20_000];
const PAGE = 1000;
const replayRun = (i: number) => `00000000-0000-4000-8002-00000000000${i + 1}`;

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

/** The replay runs, created yesterday, their events from bench/history's generator (bench_events). */
async function addReplayRuns(sql: postgres.Sql) {
  for (const [i, n] of REPLAY.entries()) {
    const id = replayRun(i);
    await sql`insert into runs (id, project_id, name, status, created_at, updated_at, event_count, last_seq)
      values (${id}, ${MAIN}, ${`replay ${n}`}, 'succeeded', now() - interval '1 day', now(), ${n}, ${n - 1})`;
    await sql`insert into run_events (run_id, seq, type, ts, payload)
      select ${id}::uuid, e.seq, e.type, now() - interval '1 day' + e.seq * interval '15 milliseconds', e.payload
      from bench_events(${i + 1}, ${n}) e`;
  }
  await sql`analyze run_events`;
}

/** A whole run in pages of PAGE by postgres.js: each page checks the run's project, as listEvents does. */
async function rawReplay(sql: postgres.Sql, runId: string, partitioned: boolean) {
  const month = partitioned
    ? sql`and run_created_at = (select created_at from runs where id = ${runId}::uuid)`
    : sql``;
  for (let after = -1; ; ) {
    await sql`select id from runs where id = ${runId}::uuid and project_id = ${MAIN}::uuid`;
    const rows = await sql<{ seq: number }[]>`select * from run_events where run_id = ${runId}::uuid ${month}
      and seq > ${after} order by seq limit ${PAGE + 1}`;
    if (rows.length <= PAGE) return;
    after = rows[PAGE - 1]!.seq;
  }
}

async function appReplay(db: Parameters<typeof listEvents>[0], runId: string) {
  let cursor: string | undefined;
  do cursor = (await listEvents(db, MAIN, runId, { limit: PAGE, cursor })).nextCursor ?? undefined;
  while (cursor);
}

type Era = { db: Parameters<typeof listRuns>[0]; sql: postgres.Sql; partitioned: boolean };
type Timed = { name: string; ms: number[]; load: string };

/** The reads, timed; the replay by the app's function only once the schema is the current one. */
async function measure({ db, sql, partitioned }: Era): Promise<Timed[]> {
  const out: Timed[] = [];
  // Three rounds of history's timing (20 calls, or 5 when one takes over 250 ms) pooled.
  const add = async (name: string, fn: () => Promise<unknown>) =>
    out.push({ name, ms: [...(await time(fn)), ...(await time(fn)), ...(await time(fn))], load: load() });
  const first = await listRuns(db, MAIN, {}, { limit: 50 });
  await add('listRuns, first page', () => listRuns(db, MAIN, {}, { limit: 50 }));
  await add('listRuns, "Older" page', () => listRuns(db, MAIN, {}, { limit: 50, cursor: first.nextCursor! }));
  await add('content search q=escalate (list + first matches)', async () => {
    const page = await listRuns(db, MAIN, { q: 'escalate' }, { limit: 50 });
    await firstContentMatches(
      db,
      MAIN,
      page.data.map((r) => r.id),
      'escalate',
    );
  });
  for (const [i, n] of REPLAY.entries()) {
    const label = `replay read, ${n.toLocaleString('en-US')} events`;
    await add(`${label} (postgres.js)`, () => rawReplay(sql, replayRun(i), partitioned));
    if (partitioned) await add(`${label} (app: listEvents)`, () => appReplay(db, replayRun(i)));
  }
  return out;
}

export async function beforeAfter() {
  const server = benchServerUrl();
  const { sql, conn, close } = await olderBenchDatabase(server, 'scalehist', '0024_partition_run_events');
  try {
    await fill(sql, { runs: RUNS, eventsPerRun: Math.round(EVENTS / RUNS), partitioned: false });
    await addReplayRuns(sql);
    await checkFill(sql);
    const before = await measure({ db: conn.db, sql, partitioned: false });
    const t0 = performance.now();
    await runMigrations(conn);
    const migrateS = (performance.now() - t0) / 1000;
    await sql`vacuum analyze run_events`;
    await sql`analyze runs`;
    const after = await measure({ db: conn.db, sql, partitioned: true });
    const [{ n } = { n: 0 }] = await sql<{ n: number }[]>`select count(*)::int as n from run_events`;
    console.log(
      `before/after partitioning, ${RUNS.toLocaleString('en-US')} runs, ${n.toLocaleString('en-US')} events: migrated (0024 on) in ${migrateS.toFixed(1)} s, then ANALYZE; load ${load()}`,
    );
    const f = (xs: number[]) => `${pct(xs, 50).toFixed(1)}/${pct(xs, 95).toFixed(1)} ms`;
    console.log(
      `  ${'read'.padEnd(52)} ${'0023 p50/p95'.padStart(16)} ${'partitioned'.padStart(16)}  after/before p50  load (before; after)`,
    );
    for (const a of after) {
      const b =
        before.find((x) => x.name === a.name) ??
        before.find((x) => a.name.startsWith(x.name.split(' (')[0]!));
      console.log(
        `  ${a.name.padEnd(52)} ${(b ? f(b.ms) : '').padStart(16)} ${f(a.ms).padStart(16)}  ${(b ? (pct(a.ms, 50) / pct(b.ms, 50)).toFixed(2) : '').padStart(16)}  ${b?.load}; ${a.load}`,
      );
    }
    console.log(
      '  (the app replay row\'s "before" is the 0023 statements by postgres.js: that listEvents cannot run now)',
    );
  } finally {
    await close();
  }
}
