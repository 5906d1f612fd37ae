import 'server-only';
import { and, asc, eq, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { type CostRecomputeJob, costRecomputeJobs, runs } from '@/db/schema';
import { AppError } from '../errors';
import { leaseOptions } from '../jobs/options';
import { withLease } from '../jobs/run';
import { repriceRunsSql } from './price-sql';
import { assertDay } from './prices';

export const RECOMPUTE_BATCH = 500;

export type RecomputeRange = { model?: string | null; from: string; to: string };

/** Queues a recomputation of the priced runs (costSource 'price') created in [from, to] (UTC days). */
export async function createRecomputeJob(
  db: DbOrTx,
  projectId: string,
  range: RecomputeRange,
): Promise<CostRecomputeJob> {
  assertDay(range.from);
  assertDay(range.to);
  if (range.from > range.to) throw new AppError('bad_request', 'The range ends before it starts');
  const [job] = await db
    .insert(costRecomputeJobs)
    .values({ projectId, model: range.model ?? null, fromDate: range.from, toDate: range.to })
    .returning();
  return job!;
}

export async function getRecomputeJob(db: DbOrTx, projectId: string, jobId: string) {
  const [job] = await db
    .select()
    .from(costRecomputeJobs)
    .where(and(eq(costRecomputeJobs.projectId, projectId), eq(costRecomputeJobs.id, jobId)));
  return job ?? null;
}

export async function listRecomputeJobs(db: DbOrTx, projectId: string, limit = 10) {
  return db
    .select()
    .from(costRecomputeJobs)
    .where(eq(costRecomputeJobs.projectId, projectId))
    .orderBy(sql`${costRecomputeJobs.createdAt} desc`)
    .limit(limit);
}

const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000);

/**
 * One batch: the next RECOMPUTE_BATCH priced runs after the job's cursor get their cost again by the
 * pricing rule (repriceRunsSql: each usage event at the price in force on its day, plus the run's own
 * tokens beyond them at its start; a run none of whose parts has a price keeps its cost). Runs with a
 * client-sent cost are never touched. Returns
 * false when the job is done. Each batch is one transaction, so a crash loses at most one batch of work.
 */
export async function recomputeBatch(db: DbOrTx, projectId: string, jobId: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [job] = await tx
      .select()
      .from(costRecomputeJobs)
      .where(and(eq(costRecomputeJobs.projectId, projectId), eq(costRecomputeJobs.id, jobId)))
      .for('update');
    if (!job) throw new AppError('not_found', 'Recompute job not found');
    if (job.status === 'done' || job.status === 'failed') return false;
    const where: SQL[] = [
      eq(runs.projectId, projectId),
      eq(runs.costSource, 'price'),
      gte(runs.createdAt, new Date(`${job.fromDate}T00:00:00Z`)),
      lt(runs.createdAt, nextDay(job.toDate)),
    ];
    // A model's runs: the run's model, or a usage event of that model (priced for it).
    if (job.model) {
      where.push(sql`(${runs.model} = ${job.model} or exists (select 1 from run_events ev
        where ev.project_id = ${runs.projectId} and ev.run_id = ${runs.id} and ev.type = 'usage' and ev.payload->>'model' = ${job.model}))`);
    }
    if (job.cursor) {
      const [at, id] = job.cursor.split('|');
      where.push(sql`(${runs.createdAt}, ${runs.id}) > (${at}::timestamptz, ${id}::uuid)`);
    }
    // Locked: an append or PATCH of these runs waits for this batch (and then adds to or replaces the
    // cost it wrote); a run that got a client-sent cost meanwhile is no longer 'price' and is skipped.
    const batch = await tx
      .select({ id: runs.id, createdAt: runs.createdAt })
      .from(runs)
      .where(and(...where))
      .orderBy(asc(runs.createdAt), asc(runs.id))
      .limit(RECOMPUTE_BATCH)
      .for('update');
    if (batch.length > 0) {
      const ids = JSON.stringify(batch.map((r) => r.id));
      await tx.execute(
        repriceRunsSql(projectId, sql`select value::uuid from jsonb_array_elements_text(${ids}::jsonb)`),
      );
    }
    const last = batch[batch.length - 1];
    const done = batch.length < RECOMPUTE_BATCH;
    await tx
      .update(costRecomputeJobs)
      .set({
        status: done ? 'done' : 'running',
        processed: job.processed + batch.length,
        cursor: last ? `${last.createdAt.toISOString()}|${last.id}` : job.cursor,
        finishedAt: done ? new Date() : null,
      })
      .where(and(eq(costRecomputeJobs.projectId, projectId), eq(costRecomputeJobs.id, jobId)));
    return !done;
  });
}

/**
 * Runs a job to its end, batch after batch, or until `signal` aborts (its lease went to another
 * process, which carries on from the cursor); a failure is stored on the job.
 */
export async function runRecomputeJob(
  db: DbOrTx,
  projectId: string,
  jobId: string,
  signal?: AbortSignal,
): Promise<void> {
  try {
    while (!signal?.aborted && (await recomputeBatch(db, projectId, jobId))) {
      // Yield between batches so a long job never holds the event loop.
      await new Promise((r) => setImmediate(r));
    }
  } catch (err) {
    console.error('[runledger] cost recompute failed', err);
    await db
      .update(costRecomputeJobs)
      .set({ status: 'failed', error: 'Recompute failed; see the server log' })
      .where(and(eq(costRecomputeJobs.projectId, projectId), eq(costRecomputeJobs.id, jobId)));
  }
}

/** Jobs not finished (waiting, or stopped with their process): the job sweeper resumes them. */
export async function unfinishedRecomputeJobs(db: DbOrTx): Promise<string[]> {
  const rows = await db
    .select({ id: costRecomputeJobs.id })
    .from(costRecomputeJobs)
    .where(inArray(costRecomputeJobs.status, ['pending', 'running']))
    .orderBy(asc(costRecomputeJobs.createdAt))
    .limit(20);
  return rows.map((r) => r.id);
}

/**
 * Resumes a job from its cursor (whatever project it belongs to): the job sweeper's unit of work.
 * False when the job is no longer unfinished (another process ended it after the sweeper listed it).
 */
export async function resumeRecomputeJob(db: DbOrTx, jobId: string, signal?: AbortSignal): Promise<boolean> {
  const [job] = await db
    .select({ projectId: costRecomputeJobs.projectId })
    .from(costRecomputeJobs)
    .where(and(eq(costRecomputeJobs.id, jobId), inArray(costRecomputeJobs.status, ['pending', 'running'])));
  if (!job) return false;
  await runRecomputeJob(db, job.projectId, jobId, signal);
  return true;
}

/**
 * Starts a job in the background of this server process (the caller does not wait for it), under the
 * job's lease: if this process stops, another one's job sweeper resumes it from its cursor.
 */
export function startRecomputeInBackground(db: DbOrTx, projectId: string, jobId: string): void {
  withLease(
    () => db,
    `recompute:${jobId}`,
    leaseOptions(),
    ({ signal }) => runRecomputeJob(db, projectId, jobId, signal),
  ).catch((err) => console.error('[runledger] cost recompute could not start', err));
}
