import 'server-only';
import { type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import {
  ensureMonthPartitions,
  listMonthPartitions,
  type MonthPartition,
  RUN_EVENTS,
} from '../partitions/months';

export { PARTITION_CHECK_MS, PARTITION_MONTHS_AHEAD } from '../partitions/months';

export type EventPartition = MonthPartition;

/** run_events' months ahead and those waiting in its default partition (see ensureMonthPartitions). */
export const ensureEventPartitions = (db: DbOrTx, now = new Date()): Promise<string[]> =>
  ensureMonthPartitions(db, RUN_EVENTS, now);

/** The month partitions of run_events, oldest first (the DEFAULT partition is not listed). */
export const listEventPartitions = (db: DbOrTx): Promise<EventPartition[]> =>
  listMonthPartitions(db, RUN_EVENTS);

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
