import 'server-only';
import { and, asc, gte, lte } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { type RunEvent, runEvents } from '@/db/schema';
import { eventsOfRun } from '@/server/events/partitions';
import { assertRunInProject } from '@/server/runs/scope';

/** The most events one range read answers (the replay asks for 4,096 at most). */
export const EVENT_RANGE_MAX = 5000;

/**
 * The run's events with fromSeq <= seq <= toSeq, in seq order, at most `limit` (the replay's payload
 * window refetching what it dropped). Scoped to the project: another project's run is not found.
 */
export async function listEventsBetween(
  db: DbOrTx,
  projectId: string,
  runId: string,
  { fromSeq, toSeq, limit = EVENT_RANGE_MAX }: { fromSeq: number; toSeq: number; limit?: number },
): Promise<RunEvent[]> {
  await assertRunInProject(db, projectId, runId);
  return db
    .select()
    .from(runEvents)
    .where(and(eventsOfRun(projectId, runId), gte(runEvents.seq, fromSeq), lte(runEvents.seq, toSeq)))
    .orderBy(asc(runEvents.seq))
    .limit(Math.min(limit, EVENT_RANGE_MAX));
}
