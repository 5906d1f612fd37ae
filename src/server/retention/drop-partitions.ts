import 'server-only';
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { PG_LOCK_NOT_AVAILABLE, pgErrorCode, queryRows } from '@/db/sql';
import { type EventPartition, listEventPartitions } from '../events/partitions';

/**
 * Drops the month partitions of run_events whose every row has expired, before runs are purged one
 * batch at a time: those runs' events then go at the cost of a DROP TABLE, not a delete and its WAL
 * per row. A partition holds the events of the runs created in its month, across projects with their
 * own retention, so it goes only when no project has a run in that month that it keeps (a project
 * that keeps runs forever and has one there keeps the whole month: its other rows go by batched
 * deletes). Only months that have ended. The check and the drop hold run_events' lock (event writes
 * and reads wait the few milliseconds of the check), with a short lock timeout: a busy table waits
 * for the next pass. Answers the partitions dropped.
 */
export async function dropExpiredEventPartitions(db: DbOrTx, now = new Date()): Promise<string[]> {
  const dropped: string[] = [];
  for (const p of await listEventPartitions(db)) {
    if (p.to.getTime() > now.getTime()) break;
    // Checked without the lock first: a month that stays costs no lock of the table.
    if (await monthKept(db, p, now)) continue;
    const done = await db
      .transaction(async (tx) => {
        await tx.execute(sql`set local lock_timeout = '2s'`);
        // The parent first, as a drop takes it: an insert holds the parent before the partition.
        await tx.execute(sql`lock table only run_events in access exclusive mode`);
        await tx.execute(sql`lock table ${sql.identifier(p.name)} in access exclusive mode`);
        if (await monthKept(tx, p, now)) return false;
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

/** Whether a project has a run created in the partition's month that its retention keeps at `now`. */
async function monthKept(db: DbOrTx, p: EventPartition, now: Date): Promise<boolean> {
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
