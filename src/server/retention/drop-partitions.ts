import 'server-only';
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { PG_LOCK_NOT_AVAILABLE, pgErrorCode, queryRows } from '@/db/sql';
import { DEFAULT_USAGE_RETENTION_DAYS } from '@/lib/contract';
import {
  listMonthPartitions,
  type MonthlyTable,
  type MonthPartition,
  RUN_EVENTS,
  USAGE_EVENTS,
} from '../partitions/months';
import { ledgerCutoff } from './cutoffs';

/** Whether some project keeps a row of the month partition at `now` (then the month stays). */
type MonthKept = (db: DbOrTx, p: MonthPartition, now: Date) => Promise<boolean>;

/**
 * Drops the month partitions of a partitioned table whose every row has expired, before the rows that
 * remain are purged one batch at a time: those rows then go at the cost of a DROP TABLE, not a delete
 * and its WAL per row. Projects share partitions and each has its own retention, so a month goes only
 * when `kept` says no project keeps a row in it; the others' expired rows go by batched deletes. Only
 * months that have ended. The check and the drop hold the table's lock (its writes and reads wait the
 * few milliseconds of the check), with a short lock timeout: a busy table waits for the next pass.
 * Answers the partitions dropped.
 */
async function dropExpiredMonths(db: DbOrTx, t: MonthlyTable, now: Date, kept: MonthKept): Promise<string[]> {
  const dropped: string[] = [];
  for (const p of await listMonthPartitions(db, t)) {
    if (p.to.getTime() > now.getTime()) break;
    // Checked without the lock first: a month that stays costs no lock of the table.
    if (await kept(db, p, now)) continue;
    const done = await db
      .transaction(async (tx) => {
        await tx.execute(sql`set local lock_timeout = '2s'`);
        // The parent first, as a drop takes it: an insert holds the parent before the partition.
        await tx.execute(sql`lock table only ${sql.identifier(t.table)} in access exclusive mode`);
        await tx.execute(sql`lock table ${sql.identifier(p.name)} in access exclusive mode`);
        if (await kept(tx, p, now)) return false;
        await tx.execute(sql`drop table ${sql.identifier(p.name)}`);
        return true;
      })
      .catch((err: unknown) => {
        if (pgErrorCode(err) === PG_LOCK_NOT_AVAILABLE) return false;
        throw err;
      });
    if (done) dropped.push(p.name);
  }
  return dropped;
}

/**
 * run_events' months: a month's events are those of the runs created in it, so it goes when no project
 * has a run created in that month that its retention keeps (a project that keeps runs forever and has
 * one there keeps the whole month).
 */
export function dropExpiredEventPartitions(db: DbOrTx, now = new Date()): Promise<string[]> {
  return dropExpiredMonths(db, RUN_EVENTS, now, runMonthKept);
}

/**
 * The ledger's months (usage_events by occurred_at): a month goes when no project keeps a ledger row in
 * it, each project's cut being its ledger retention's (ledgerCutoff). A month that straddles a
 * project's cut stays, its older rows going by batched deletes.
 */
export function dropExpiredLedgerPartitions(db: DbOrTx, now = new Date()): Promise<string[]> {
  return dropExpiredMonths(db, USAGE_EVENTS, now, ledgerMonthKept);
}

async function runMonthKept(db: DbOrTx, p: MonthPartition, now: Date): Promise<boolean> {
  const [row] = await queryRows<{ kept: boolean }>(
    db,
    sql`select exists (
          select 1 from projects j left join project_retention r on r.project_id = j.id
          where exists (select 1 from runs x where x.project_id = j.id
            and x.created_at < ${p.to.toISOString()}::timestamptz
            and x.created_at >= greatest(${p.from.toISOString()}::timestamptz,
              ${now.toISOString()}::timestamptz - coalesce(r.run_days * interval '86400 seconds', interval '400000 days')))
        ) as kept`,
  );
  return row?.kept ?? true;
}

async function ledgerMonthKept(db: DbOrTx, p: MonthPartition, now: Date): Promise<boolean> {
  const projects = await queryRows<{ id: string; usage_days: number }>(
    db,
    sql`select p.id, coalesce(r.usage_days, ${DEFAULT_USAGE_RETENTION_DAYS})::int as usage_days
        from projects p left join project_retention r on r.project_id = p.id`,
  );
  // What each project keeps of the month: from its cut (or the month's start) on; none past the month.
  const kept = projects
    .map((x) => ({
      project_id: x.id,
      since: new Date(Math.max(p.from.getTime(), ledgerCutoff(now, x.usage_days).getTime())),
    }))
    .filter((k) => k.since.getTime() < p.to.getTime());
  if (kept.length === 0) return false;
  const [from, to] = [p.from.toISOString(), p.to.toISOString()];
  const [row] = await queryRows<{ kept: boolean }>(
    db,
    sql`select exists (
          select 1 from jsonb_to_recordset(${JSON.stringify(kept)}::jsonb) k(project_id uuid, since timestamptz)
          where exists (select 1 from usage_events e where e.project_id = k.project_id
            and e.occurred_at >= ${from}::timestamptz and e.occurred_at < ${to}::timestamptz
            and e.occurred_at >= k.since)
        ) as kept`,
  );
  return row?.kept ?? true;
}
