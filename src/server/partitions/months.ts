import 'server-only';
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { queryRows } from '@/db/sql';

/** Months made ahead of the current one, so a month's first rows never land in the default partition. */
export const PARTITION_MONTHS_AHEAD = 2;

/** How often the months ahead are re-checked (a job of src/server/jobs; each server also checks at start). */
export const PARTITION_CHECK_MS = 6 * 3_600_000;

/**
 * A table partitioned by UTC month of one timestamp column (migrations 0024 and 0028): partitions
 * `<table>_pYYYY_MM`, a `<table>_default` partition, made by the SQL function `<table>_ensure_partition`.
 */
export type MonthlyTable = { table: 'run_events' | 'usage_events'; column: 'run_created_at' | 'occurred_at' };

export const RUN_EVENTS: MonthlyTable = { table: 'run_events', column: 'run_created_at' };
export const USAGE_EVENTS: MonthlyTable = { table: 'usage_events', column: 'occurred_at' };
export const MONTHLY_TABLES = [RUN_EVENTS, USAGE_EVENTS] as const;

export type MonthPartition = { name: string; from: Date; to: Date };

const monthStart = (d: Date, plus = 0) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + plus, 1));

/**
 * Makes sure the table has a partition for this month and the next PARTITION_MONTHS_AHEAD, and one for
 * every month whose rows wait in its DEFAULT partition (times far in the past or future): those rows
 * move into it. The default partition takes whatever has no month yet, so no insert ever fails; this
 * keeps it empty. Answers the partitions it created.
 */
export async function ensureMonthPartitions(
  db: DbOrTx,
  t: MonthlyTable,
  now = new Date(),
): Promise<string[]> {
  const before = new Set((await listMonthPartitions(db, t)).map((p) => p.name));
  const months: Date[] = [];
  for (let k = 0; k <= PARTITION_MONTHS_AHEAD; k++) months.push(monthStart(now, k));
  const col = sql.identifier(t.column);
  const waiting = await queryRows<{ m: Date | string }>(
    db,
    sql`select distinct date_trunc('month', ${col} at time zone 'UTC') at time zone 'UTC' as m
        from ${sql.identifier(`${t.table}_default`)}`,
  );
  for (const w of waiting) months.push(new Date(w.m));
  const made: string[] = [];
  for (const m of months) {
    const [row] = await queryRows<{ name: string }>(
      db,
      sql`select ${sql.identifier(`${t.table}_ensure_partition`)}(${m.toISOString()}::timestamptz) as name`,
    );
    if (row && !before.has(row.name)) made.push(row.name);
  }
  return made;
}

/** ensureMonthPartitions for every partitioned table: what the server does at start and every PARTITION_CHECK_MS. */
export async function ensureAllMonthPartitions(db: DbOrTx, now = new Date()): Promise<string[]> {
  const made: string[] = [];
  for (const t of MONTHLY_TABLES) made.push(...(await ensureMonthPartitions(db, t, now)));
  return made;
}

/** The month partitions of the table, oldest first (the DEFAULT partition is not listed). */
export async function listMonthPartitions(db: DbOrTx, t: MonthlyTable): Promise<MonthPartition[]> {
  const prefix = `${t.table}_p`;
  const rows = await queryRows<{ name: string }>(
    db,
    sql`select c.relname as name from pg_inherits i
        join pg_class c on c.oid = i.inhrelid
        where i.inhparent = ${t.table}::regclass and c.relname ~ ${`^${prefix}[0-9]{4}_[0-9]{2}$`}
        order by c.relname`,
  );
  return rows.map(({ name }) => {
    const [y, m] = name.slice(prefix.length).split('_').map(Number) as [number, number];
    return { name, from: new Date(Date.UTC(y, m - 1, 1)), to: new Date(Date.UTC(y, m, 1)) };
  });
}
