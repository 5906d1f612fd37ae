import 'server-only';
import { and, asc, eq, gt, isNotNull, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { type RunResult, runResults, runs } from '@/db/schema';
import type { ResultInput } from '@/lib/contract';
import { decodeCursor, encodeCursor } from '@/lib/cursor';
import { AppError } from '../errors';
import { assertRunInProject } from './scope';

/** Locks the run row: concurrent writers of one run's results queue here, so its counts stay exact. */
const lockRun = (tx: DbOrTx, projectId: string, runId: string) =>
  assertRunInProject(tx, projectId, runId, { forUpdate: true });

async function recountResults(tx: DbOrTx, projectId: string, runId: string) {
  await tx
    .update(runs)
    .set({
      succeededCount: sql`(select count(*) from ${runResults} where ${runResults.projectId} = ${projectId}
        and ${runResults.runId} = ${runId} and ${runResults.error} is null)::int`,
      failedCount: sql`(select count(*) from ${runResults} where ${runResults.projectId} = ${projectId}
        and ${runResults.runId} = ${runId} and ${runResults.error} is not null)::int`,
      updatedAt: new Date(),
    })
    .where(and(eq(runs.projectId, projectId), eq(runs.id, runId)));
}

/** Stores a batch of dataset-item results; an itemId already stored for the run is replaced. */
export async function addResults(
  db: DbOrTx,
  projectId: string,
  runId: string,
  results: ResultInput[],
): Promise<{ stored: number }> {
  return db.transaction(async (tx) => {
    await lockRun(tx, projectId, runId);
    const rows = results.map((r) => ({
      projectId,
      runId,
      itemId: r.itemId,
      itemVersion: r.itemVersion ?? null,
      input: r.input ?? null,
      output: r.output ?? null,
      groundTruth: r.groundTruth ?? null,
      latencyMs: r.latencyMs,
      // JSON null and a missing error both mean success.
      error: r.error ?? null,
      startedAt: new Date(r.startedAt),
      completedAt: new Date(r.completedAt),
      retryCount: r.retryCount ?? 0,
    }));
    await tx
      .insert(runResults)
      .values(rows)
      .onConflictDoUpdate({
        target: [runResults.runId, runResults.itemId, runResults.projectId],
        set: {
          itemVersion: sql`excluded.item_version`,
          input: sql`excluded.input`,
          output: sql`excluded.output`,
          groundTruth: sql`excluded.ground_truth`,
          latencyMs: sql`excluded.latency_ms`,
          error: sql`excluded.error`,
          startedAt: sql`excluded.started_at`,
          completedAt: sql`excluded.completed_at`,
          retryCount: sql`excluded.retry_count`,
        },
      });
    await recountResults(tx, projectId, runId);
    return { stored: rows.length };
  });
}

export async function getResultById(
  db: DbOrTx,
  projectId: string,
  resultId: string,
): Promise<RunResult | null> {
  const [row] = await db
    .select({ result: runResults })
    .from(runResults)
    .where(and(eq(runResults.id, resultId), eq(runResults.projectId, projectId)));
  return row?.result ?? null;
}

/** A run's results ordered by itemId, keyset-paginated. */
export async function listResults(
  db: DbOrTx,
  projectId: string,
  runId: string,
  opts: { status?: 'succeeded' | 'failed'; limit: number; cursor?: string },
): Promise<{ data: RunResult[]; nextCursor: string | null }> {
  await assertRunInProject(db, projectId, runId);
  const where = [eq(runResults.projectId, projectId), eq(runResults.runId, runId)];
  if (opts.status === 'succeeded') where.push(isNull(runResults.error));
  if (opts.status === 'failed') where.push(isNotNull(runResults.error));
  if (opts.cursor) {
    const key = decodeCursor(opts.cursor, 1);
    if (!key || typeof key[0] !== 'string') throw new AppError('bad_request', 'Invalid cursor');
    where.push(gt(runResults.itemId, key[0]));
  }
  const rows = await db
    .select()
    .from(runResults)
    .where(and(...where))
    .orderBy(asc(runResults.itemId))
    .limit(opts.limit + 1);
  const more = rows.length > opts.limit;
  const data = more ? rows.slice(0, opts.limit) : rows;
  return { data, nextCursor: more ? encodeCursor([data[data.length - 1]!.itemId]) : null };
}

export async function deleteResultsByRunId(db: DbOrTx, projectId: string, runId: string): Promise<number> {
  return db.transaction(async (tx) => {
    await lockRun(tx, projectId, runId);
    const deleted = await tx
      .delete(runResults)
      .where(and(eq(runResults.projectId, projectId), eq(runResults.runId, runId)))
      .returning({ id: runResults.id });
    await recountResults(tx, projectId, runId);
    return deleted.length;
  });
}
