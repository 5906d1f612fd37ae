/**
 * The partitioned usage ledger on Postgres (a section of bench/partition), on one fill of a throwaway
 * database:
 *
 * 1. The migration to monthly ledger partitions: a database on the previous schema (one usage_events
 *    table) is filled with BENCH_PARTITION_LEDGER rows (default 1,000,000: 4 months, 40% of them with
 *    an idempotency key), then migrated; prints the time per million rows.
 * 2. Retention: the oldest month expires (its partition dropped), then the next (a month another
 *    project keeps a row in: its rows deleted in batches of 1000). Time and WAL bytes
 *    (pg_current_wal_lsn before and after) of each, with the rollups and idempotency keys trimmed along.
 * On a private Postgres server (initdb defaults, fsync off), so the WAL counted is this bench's alone.
 */
import { loadavg } from 'node:os';
import { runMigrations } from '@/db/migrate';
import { dropExpiredLedgerPartitions, purgeExpired, putRetention } from '@/server/retention';
import { createPrivatePostgres } from '../tests/helpers/private-postgres';
import { walBytesSince, walLsn } from './lib/wal';
import { olderBenchDatabase } from './lib/server';

const ROWS = Number(process.env.BENCH_PARTITION_LEDGER ?? 1_000_000);
const MONTHS = ['2026-07', '2026-08', '2026-09', '2026-10'];
const DAY = 86_400_000;

const load = () =>
  `load ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`;

const mib = (b: number) => `${(b / 1048576).toFixed(1)} MiB`;

export async function ledgerMain() {
  // A server of its own: WAL is counted for the whole server, and the shared one has other writers.
  const cluster = await createPrivatePostgres();
  await cluster.start();
  const server = cluster.url;
  const { sql, conn, close } = await olderBenchDatabase(server, 'ledgerpart', '0028_partition_usage_events');
  try {
    const [short, keeps] = await sql<{ id: string }[]>`
      insert into projects (slug, name) values ('short', 'Short'), ('keeps', 'Keeps') returning id`;
    const perMonth = Math.max(1, Math.round(ROWS / MONTHS.length));
    let t = performance.now();
    for (const m of MONTHS) {
      // 20 subjects, 3 metrics, spread over the month's first 25 days; 40% keyed (API records).
      await sql`insert into usage_events (project_id, subject, metric, amount, model, idempotency_key, response, occurred_at)
        select ${short!.id}::uuid, 'user_' || (g % 20), (array['tokens', 'cost_micros', 'requests'])[1 + g % 3],
          1 + g % 977, 'model-' || (g % 4),
          case when g % 5 < 2 then ${m} || ':' || g end,
          case when g % 5 < 2 then '{"allowed":true,"windows":[]}'::jsonb end,
          ${`${m}-01T00:00:00Z`}::timestamptz + (g::float8 / ${perMonth}) * interval '25 days'
        from generate_series(1, ${perMonth}) g`;
    }
    // The other project keeps one row in the second month: that month cannot be dropped.
    await sql`insert into usage_events (project_id, subject, metric, amount, occurred_at)
      values (${keeps!.id}::uuid, 'k', 'tokens', 1, ${`${MONTHS[1]}-20T00:00:00Z`})`;
    await sql`vacuum analyze usage_events`;
    const [{ n } = { n: 0 }] = await sql<{ n: number }[]>`select count(*)::int as n from usage_events`;
    console.log(
      `partition (ledger): filled ${n.toLocaleString()} ledger rows (${MONTHS.length} months of ${perMonth.toLocaleString()}) in ${((performance.now() - t) / 1000).toFixed(1)} s; ${load()}`,
    );

    t = performance.now();
    await runMigrations(conn);
    const migrateMs = performance.now() - t;
    console.log(
      `  migration to ledger partitions: ${(migrateMs / 1000).toFixed(1)} s, ${((migrateMs / 1000 / n) * 1e6).toFixed(1)} s per million rows; ${load()}`,
    );
    await sql`vacuum analyze usage_events`;

    // usageDays 1: the cut is the start of the month `now` is in (ledgerCutoff never cuts past it).
    await putRetention(conn.db, short!.id, { runDays: null, usageDays: 1 });
    const now1 = new Date(Date.parse(`${MONTHS[1]}-01T00:00:00Z`) + DAY);
    let from = await walLsn(sql);
    t = performance.now();
    const dropped = await dropExpiredLedgerPartitions(conn.db, now1);
    const dropOnlyMs = performance.now() - t;
    const dropOnlyWal = await walBytesSince(sql, from);
    if (dropped.length !== 1) throw new Error(`expected one partition dropped, got ${dropped.join(', ')}`);
    const [first] = await purgeExpired(conn.db, { now: now1, projectId: short!.id });
    const dropMs = performance.now() - t;
    const dropWal = await walBytesSince(sql, from);
    console.log(
      `  retention, ${perMonth.toLocaleString()} ledger rows by partition drop: the drop ${dropOnlyMs.toFixed(0)} ms, ${(dropOnlyWal / 1024).toFixed(0)} KiB WAL; with the rollups and keys trimmed after (${first!.dailyRollups + first!.hourlyRollups} rollup rows): ${(dropMs / 1000).toFixed(1)} s, ${mib(dropWal)} WAL; ${load()}`,
    );

    const now2 = new Date(Date.parse(`${MONTHS[2]}-01T00:00:00Z`) + DAY);
    from = await walLsn(sql);
    t = performance.now();
    const [second] = await purgeExpired(conn.db, { now: now2, projectId: short!.id });
    const deleteMs = performance.now() - t;
    const deleteWal = await walBytesSince(sql, from);
    if (second!.ledger !== perMonth)
      throw new Error(`deleted ${second!.ledger} ledger rows, expected ${perMonth}`);
    console.log(
      `  retention, ${perMonth.toLocaleString()} ledger rows by batched delete (the month another project keeps): ${(deleteMs / 1000).toFixed(1)} s, ${mib(deleteWal)} WAL (rollups and keys included); ${load()}`,
    );
    // The months hold the same rollups and keys: what the delete took beyond the drop's pass is the rows'.
    const rowsMs = deleteMs - (dropMs - dropOnlyMs);
    const rowsWal = deleteWal - (dropWal - dropOnlyWal);
    console.log(
      `  the ledger rows alone (the delete's pass less the drop's trimming of rollups and keys): batched delete ${(rowsMs / 1000).toFixed(1)} s, ${mib(rowsWal)} WAL vs drop ${dropOnlyMs.toFixed(0)} ms, ${(dropOnlyWal / 1024).toFixed(0)} KiB: ${(rowsMs / dropOnlyMs).toFixed(0)}x time, ${(rowsWal / Math.max(1, dropOnlyWal)).toFixed(0)}x WAL`,
    );
    console.log(
      `  whole passes (with rollups and keys): delete / drop ${(deleteMs / dropMs).toFixed(1)}x time, ${(deleteWal / Math.max(1, dropWal)).toFixed(1)}x WAL`,
    );
  } finally {
    await close();
    await cluster.destroy();
  }
}
