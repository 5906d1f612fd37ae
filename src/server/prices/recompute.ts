import 'server-only';
import { and, asc, eq, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { type CostRecomputeJob, costRecomputeJobs, type ModelPrice, modelPrices, runs } from '@/db/schema';
import { AppError } from '../errors';
import { assertDay, costFromPrice, utcDay } from './prices';

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

/** The price of each run's model in force at its start, from the prices loaded once per batch. */
function pickPrice(prices: ModelPrice[], model: string, at: Date): ModelPrice | null {
  const day = utcDay(at);
  let best: ModelPrice | null = null;
  for (const p of prices) {
    if (p.model === model && p.effectiveFrom <= day && (!best || p.effectiveFrom > best.effectiveFrom))
      best = p;
  }
  return best;
}

/**
 * One batch: the next RECOMPUTE_BATCH priced runs after the job's cursor get the cost of their tokens at
 * the price in force when they started (a run whose model has no price then keeps its cost). Returns
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
    if (job.model) where.push(eq(runs.model, job.model));
    if (job.cursor) {
      const [at, id] = job.cursor.split('|');
      where.push(sql`(${runs.createdAt}, ${runs.id}) > (${at}::timestamptz, ${id}::uuid)`);
    }
    const batch = await tx
      .select({
        id: runs.id,
        model: runs.model,
        inputTokens: runs.inputTokens,
        outputTokens: runs.outputTokens,
        startedAt: runs.startedAt,
        createdAt: runs.createdAt,
      })
      .from(runs)
      .where(and(...where))
      .orderBy(asc(runs.createdAt), asc(runs.id))
      .limit(RECOMPUTE_BATCH);
    const models = [...new Set(batch.map((r) => r.model).filter((m): m is string => Boolean(m)))];
    const prices = models.length
      ? await tx
          .select()
          .from(modelPrices)
          .where(and(eq(modelPrices.projectId, projectId), inArray(modelPrices.model, models)))
      : [];
    const costs: { id: string; cost: number }[] = [];
    for (const r of batch) {
      const price = r.model ? pickPrice(prices, r.model, r.startedAt ?? r.createdAt) : null;
      if (price) costs.push({ id: r.id, cost: costFromPrice(price, r) });
    }
    if (costs.length > 0) {
      await tx.execute(sql`update runs set cost_usd = c.cost, updated_at = now()
        from jsonb_to_recordset(${JSON.stringify(costs)}::jsonb) as c(id uuid, cost float8)
        where runs.id = c.id and runs.project_id = ${projectId}::uuid and runs.cost_source = 'price'`);
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
        updatedAt: new Date(),
      })
      .where(eq(costRecomputeJobs.id, jobId));
    return !done;
  });
}

/** Runs a job to its end, batch after batch; a failure is stored on the job. */
export async function runRecomputeJob(db: DbOrTx, projectId: string, jobId: string): Promise<void> {
  try {
    while (await recomputeBatch(db, projectId, jobId)) {
      // Yield between batches so a long job never holds the event loop.
      await new Promise((r) => setImmediate(r));
    }
  } catch (err) {
    console.error('[runledger] cost recompute failed', err);
    await db
      .update(costRecomputeJobs)
      .set({ status: 'failed', error: 'Recompute failed; see the server log', updatedAt: new Date() })
      .where(eq(costRecomputeJobs.id, jobId));
  }
}

/** Starts a job in the background of this server process (the caller does not wait for it). */
export function startRecomputeInBackground(db: DbOrTx, projectId: string, jobId: string): void {
  void runRecomputeJob(db, projectId, jobId);
}
