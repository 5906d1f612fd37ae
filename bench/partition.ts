/**
 * Partitioned events on Postgres, on one fill of a throwaway database:
 *
 * 1. The migration to monthly partitions: a database on the previous schema (one run_events table) is
 *    filled with BENCH_PARTITION_EVENTS events (default 1,000,000: 4 months of runs of 1,000 events),
 *    then migrated; prints the time per million events.
 * 2. The replay's read of a run (1,000 events by run and seq, and a 100-event range) before and after,
 *    and after without the run's month in the query (every partition's index probed).
 * 3. Retention: the oldest month expires (its partition dropped), then the next (a month another
 *    project keeps a run in: its events deleted in batches of 1000). Time and WAL bytes
 *    (pg_current_wal_lsn before and after) of each, per million events, and their ratio.
 * 4. The same for the usage ledger (bench/partition-ledger.ts): its migration, a month dropped vs a
 *    month's rows deleted in batches.
 *
 *   npm run bench -- partition          (BENCH_PARTITION_ONLY=events or ledger: one section)
 */
import { pathToFileURL } from 'node:url';
import type postgres from 'postgres';
import { runMigrations } from '@/db/migrate';
import { dropExpiredEventPartitions, purgeExpired, putRetention } from '@/server/retention';
import { fillRuns } from './lib/event-fill';
import { benchServerUrl, olderBenchDatabase } from './lib/server';
import { walBytesSince, walLsn } from './lib/wal';
import { ledgerMain } from './partition-ledger';
import { median } from './lib/stats';

const EVENTS = Number(process.env.BENCH_PARTITION_EVENTS ?? 1_000_000);
const PER_RUN = 1000;
const MONTHS = ['2026-07', '2026-08', '2026-09', '2026-10'];
const READS = 200;

type Sql = postgres.Sql;

async function timeReads(sql: Sql, runId: string, pruned: boolean) {
  const month = pruned
    ? sql`and run_created_at = (select created_at from runs where id = ${runId}::uuid)`
    : sql``;
  const all: number[] = [];
  const range: number[] = [];
  for (let i = 0; i < READS; i++) {
    let t = performance.now();
    await sql`select seq, type, ts, payload from run_events where run_id = ${runId}::uuid ${month} order by seq`;
    all.push(performance.now() - t);
    t = performance.now();
    await sql`select seq, type, ts, payload from run_events where run_id = ${runId}::uuid ${month}
      and seq >= 400 and seq <= 499 order by seq`;
    range.push(performance.now() - t);
  }
  return `whole run ${median(all).toFixed(2)} ms, 100-event range ${median(range).toFixed(2)} ms (medians of ${READS})`;
}

export async function main() {
  const only = process.env.BENCH_PARTITION_ONLY;
  if (only !== 'ledger') await eventsMain();
  if (only !== 'events') await ledgerMain();
}

async function eventsMain() {
  const server = benchServerUrl();
  const { sql, conn, close } = await olderBenchDatabase(server, 'partition', '0024_partition_run_events');
  try {
    const [short, keeps] = await sql<{ id: string }[]>`
      insert into projects (slug, name) values ('short', 'Short'), ('keeps', 'Keeps') returning id`;
    const runsPerMonth = Math.max(1, Math.round(EVENTS / PER_RUN / MONTHS.length));
    let t = performance.now();
    for (const m of MONTHS) {
      const to = new Date(Date.parse(`${m}-01T00:00:00Z`) + 28 * 86_400_000).toISOString();
      await fillRuns(sql, {
        projectId: short!.id,
        from: `${m}-01T00:00:00Z`,
        to,
        runs: runsPerMonth,
        perRun: PER_RUN,
        partitioned: false,
      });
    }
    // The other project keeps one run in the second month: that month cannot be dropped.
    await fillRuns(sql, {
      projectId: keeps!.id,
      from: `${MONTHS[1]}-20T00:00:00Z`,
      to: `${MONTHS[1]}-21T00:00:00Z`,
      runs: 1,
      perRun: 10,
      partitioned: false,
    });
    await sql`vacuum analyze run_events`;
    await sql`analyze runs`;
    const [{ n } = { n: 0 }] = await sql<{ n: number }[]>`select count(*)::int as n from run_events`;
    console.log(
      `partition: filled ${n.toLocaleString()} events (${MONTHS.length} months of ${runsPerMonth} runs of ${PER_RUN}) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    const [last] = await sql<{ id: string }[]>`select id from runs where created_at >= ${`${MONTHS[3]}-01`}
      and project_id = ${short!.id}::uuid order by created_at desc limit 1`;

    console.log(`  replay read, one table:                  ${await timeReads(sql, last!.id, false)}`);

    t = performance.now();
    await runMigrations(conn);
    const migrateMs = performance.now() - t;
    console.log(
      `  migration to partitions: ${(migrateMs / 1000).toFixed(1)} s, ${((migrateMs / 1000 / n) * 1e6).toFixed(1)} s per million events`,
    );
    await sql`vacuum analyze run_events`;
    console.log(`  replay read, partitioned, run's month:   ${await timeReads(sql, last!.id, true)}`);
    console.log(`  replay read, partitioned, no month:      ${await timeReads(sql, last!.id, false)}`);

    await putRetention(conn.db, short!.id, { runDays: 30, usageDays: 400 });
    const monthEvents = runsPerMonth * PER_RUN;
    // Month 1 expires: its partition goes whole (then its runs, in batches).
    const now1 = new Date(Date.parse(`${MONTHS[1]}-01T00:00:00Z`) + 30 * 86_400_000);
    let from = await walLsn(sql);
    t = performance.now();
    const dropped = await dropExpiredEventPartitions(conn.db, now1);
    const dropOnlyMs = performance.now() - t;
    const dropOnlyWal = await walBytesSince(sql, from);
    if (dropped.length !== 1) throw new Error(`expected one partition dropped, got ${dropped.join(', ')}`);
    const [first] = await purgeExpired(conn.db, { now: now1, projectId: short!.id });
    const dropMs = performance.now() - t;
    const dropWal = await walBytesSince(sql, from);
    // Month 2 expires: the other project's run keeps its partition; the events go by batched deletes.
    const now2 = new Date(Date.parse(`${MONTHS[2]}-01T00:00:00Z`) + 30 * 86_400_000);
    from = await walLsn(sql);
    t = performance.now();
    const [second] = await purgeExpired(conn.db, { now: now2, projectId: short!.id });
    const deleteMs = performance.now() - t;
    const deleteWal = await walBytesSince(sql, from);
    if (second!.events !== monthEvents)
      throw new Error(`deleted ${second!.events} events, expected ${monthEvents}`);
    const perM = (x: number) => (x / monthEvents) * 1e6;
    console.log(
      `  retention, ${monthEvents.toLocaleString()} events by partition drop: the drop ${dropOnlyMs.toFixed(0)} ms, ${(dropOnlyWal / 1024).toFixed(0)} KiB WAL; with its ${first!.runs} runs deleted after, in batches: ${(dropMs / 1000).toFixed(1)} s, ${(dropWal / 1048576).toFixed(1)} MiB WAL`,
    );
    console.log(
      `  retention, ${monthEvents.toLocaleString()} events by batched delete: ${(deleteMs / 1000).toFixed(1)} s, ${(deleteWal / 1048576).toFixed(0)} MiB WAL (runs included)`,
    );
    console.log(
      `  per million events (runs included): drop ${(perM(dropMs) / 1000).toFixed(1)} s / ${(perM(dropWal) / 1048576).toFixed(1)} MiB, delete ${(perM(deleteMs) / 1000).toFixed(1)} s / ${(perM(deleteWal) / 1048576).toFixed(0)} MiB; delete / drop: ${(deleteMs / dropMs).toFixed(0)}x time, ${(deleteWal / Math.max(1, dropWal)).toFixed(0)}x WAL`,
    );
  } finally {
    await close();
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
