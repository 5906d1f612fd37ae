import 'server-only';
import { type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { queryRows } from '@/db/sql';

/** Months made ahead of the current one, so a month's first events never land in the default partition. */
export const PARTITION_MONTHS_AHEAD = 2;

/** How often the months ahead are re-checked (a job of src/server/jobs; each server also checks at start). */
export const PARTITION_CHECK_MS = 6 * 3_600_000;

export type EventPartition = { name: string; from: Date; to: Date; rows?: number };

const monthStart = (d: Date, plus = 0) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + plus, 1));

/**
 * Makes sure run_events has a partition for this month and the next PARTITION_MONTHS_AHEAD, and one for
 * every month whose rows wait in the DEFAULT partition (runs created far in the past or future): those
 * rows move into it. The default partition takes whatever has no month yet, so no insert ever fails;
 * this keeps it empty. Answers the partitions it created.
 */
export async function ensureEventPartitions(db: DbOrTx, now = new Date()): Promise<string[]> {
  const before = new Set((await listEventPartitions(db)).map((p) => p.name));
  const months: Date[] = [];
  for (let k = 0; k <= PARTITION_MONTHS_AHEAD; k++) months.push(monthStart(now, k));
  const waiting = await queryRows<{ m: Date | string }>(
    db,
    sql`select distinct date_trunc('month', run_created_at at time zone 'UTC') at time zone 'UTC' as m
        from run_events_default`,
  );
  for (const w of waiting) months.push(new Date(w.m));
  const made: string[] = [];
  for (const m of months) {
    const [row] = await queryRows<{ name: string }>(
      db,
      sql`select run_events_ensure_partition(${m.toISOString()}::timestamptz) as name`,
    );
    if (row && !before.has(row.name)) made.push(row.name);
  }
  return made;
}

/** The month partitions of run_events, oldest first (the DEFAULT partition is not listed). */
export async function listEventPartitions(db: DbOrTx): Promise<EventPartition[]> {
  const rows = await queryRows<{ name: string }>(
    db,
    sql`select c.relname as name from pg_inherits i
        join pg_class c on c.oid = i.inhrelid
        where i.inhparent = 'run_events'::regclass and c.relname ~ '^run_events_p[0-9]{4}_[0-9]{2}$'
        order by c.relname`,
  );
  return rows.map(({ name }) => {
    const [y, m] = name.slice('run_events_p'.length).split('_').map(Number) as [number, number];
    return { name, from: new Date(Date.UTC(y, m - 1, 1)), to: new Date(Date.UTC(y, m, 1)) };
  });
}

/**
 * The events of one run of a project, as a WHERE condition on run_events (`alias.` before the columns
 * when given): with the run's creation time, which the planner uses to read the one partition that
 * holds them.
 */
export function eventsOfRun(projectId: string, runId: string, alias = ''): SQL {
  const col = (name: string) => sql.raw(`${alias ? `${alias}.` : ''}${name}`);
  return sql`${col('project_id')} = ${projectId}::uuid and ${col('run_id')} = ${runId}::uuid
    and ${col('run_created_at')} = (select created_at from runs
      where project_id = ${projectId}::uuid and id = ${runId}::uuid)`;
}
