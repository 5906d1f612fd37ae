import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { type NewRun, type Run, runColumns, runs } from '@/db/schema';
import { type CreateRunInput, finishedStatuses, type UpdateRunInput } from '@/lib/contract';
import { toDate } from '@/lib/time';
import { PG_FOREIGN_KEY_VIOLATION, pgErrorCode, queryRows } from '@/db/sql';
import { AppError, notFound } from '../errors';
import { sameJson } from '../json';
import { priceCost } from '../prices';
import { repriceRunsSql } from '../prices/price-sql';

export {
  type HistoryFilters,
  metadataCondition,
  runFilterConditions,
  runSearchCondition,
  sparseFilterConditions,
} from './filters';
export { listRuns, type RunPage, SEARCH_WINDOW } from './list';

const isFinished = (status: string) => (finishedStatuses as readonly string[]).includes(status);

/**
 * Creates a run. With a client-chosen id already stored in this project: the same body is an idempotent
 * retry, another is 409. Ids are the project's own: the same id in another project is another run,
 * and nothing here depends on it. `parentRunId` must name a run of the same project (else 400, nothing
 * written).
 */
export async function createRun(
  db: DbOrTx,
  projectId: string,
  input: CreateRunInput,
): Promise<{ run: Run; created: boolean }> {
  const now = new Date();
  if (input.parentRunId && !(await getRunById(db, projectId, input.parentRunId))) {
    throw new AppError('bad_request', 'parentRunId does not name a run of this project', [
      { path: ['parentRunId'], code: 'not_found', message: 'No run of this project has this id' },
    ]);
  }
  const status = input.status ?? 'running';
  const values: NewRun = {
    id: input.id,
    projectId,
    kind: input.kind ?? 'chat',
    name: input.name,
    status,
    threadId: input.threadId ?? null,
    parentRunId: input.parentRunId ?? null,
    userId: input.userId ?? null,
    model: input.model ?? null,
    input: input.input ?? null,
    output: input.output ?? null,
    error: input.error ?? null,
    metadata: input.metadata ?? {},
    tags: input.tags ?? [],
    startedAt: input.startedAt !== undefined ? toDate(input.startedAt) : status === 'queued' ? null : now,
    endedAt: input.endedAt !== undefined ? toDate(input.endedAt) : isFinished(status) ? now : null,
    inputTokens: input.inputTokens ?? 0,
    outputTokens: input.outputTokens ?? 0,
    totalTokens: input.totalTokens ?? (input.inputTokens ?? 0) + (input.outputTokens ?? 0),
    costUsd: input.costUsd ?? 0,
    costSource: input.costUsd !== undefined ? 'client' : null,
    datasetId: input.datasetId ?? null,
    datasetVersion: input.datasetVersion ?? null,
    targetType: input.targetType ?? null,
    targetId: input.targetId ?? null,
    totalItems: input.totalItems ?? null,
  };
  if (input.costUsd === undefined) {
    const at = values.startedAt ?? now;
    const cost = await priceCost(db, projectId, values.model, at, {
      inputTokens: values.inputTokens ?? 0,
      outputTokens: values.outputTokens ?? 0,
    });
    if (cost !== null) Object.assign(values, { costUsd: cost, costSource: 'price' as const });
  }
  let inserted: Run | undefined;
  try {
    [inserted] = await db
      .insert(runs)
      .values(values)
      .onConflictDoNothing({ target: [runs.id, runs.projectId] })
      .returning(runColumns);
  } catch (err) {
    // The parent was deleted between the check and the insert.
    if (pgErrorCode(err) === PG_FOREIGN_KEY_VIOLATION && input.parentRunId) {
      throw new AppError('bad_request', 'parentRunId does not name a run of this project');
    }
    throw err;
  }
  if (inserted) return { run: inserted, created: true };

  const stored = await requireRun(db, projectId, input.id!);
  if (!matchesStored(input, stored)) {
    throw new AppError('conflict', 'A run with this id already exists with a different body');
  }
  return { run: stored, created: false };
}

/** True when every field the body names has the stored value (an idempotent retry). */
function matchesStored(input: CreateRunInput, stored: Run): boolean {
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined || key === 'id') continue;
    const current = stored[key as keyof Run];
    if (current instanceof Date || (key.endsWith('At') && value !== null)) {
      if (toDate(current as Date | null)?.getTime() !== toDate(value as string | null)?.getTime())
        return false;
    } else if (!sameJson(current, value)) {
      return false;
    }
  }
  return true;
}

export async function getRunById(db: DbOrTx, projectId: string, runId: string): Promise<Run | null> {
  const [run] = await db
    .select(runColumns)
    .from(runs)
    .where(and(eq(runs.id, runId), eq(runs.projectId, projectId)));
  return run ?? null;
}

/** The run, or a not_found AppError (also for a run of another project). */
export async function requireRun(db: DbOrTx, projectId: string, runId: string): Promise<Run> {
  const run = await getRunById(db, projectId, runId);
  if (!run) throw notFound('Run');
  return run;
}

export async function updateRun(
  db: DbOrTx,
  projectId: string,
  runId: string,
  input: UpdateRunInput,
): Promise<Run> {
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select(runColumns)
      .from(runs)
      .where(and(eq(runs.id, runId), eq(runs.projectId, projectId)))
      .for('update');
    if (!current) throw notFound('Run');
    if (input.status && isFinished(current.status) && !isFinished(input.status)) {
      throw new AppError('conflict', `A ${current.status} run cannot become ${input.status} again`);
    }
    const patch: Partial<NewRun> = { updatedAt: new Date() };
    for (const [key, value] of Object.entries(input)) {
      if (value === undefined) continue;
      (patch as Record<string, unknown>)[key] = key.endsWith('At') ? toDate(value as string | null) : value;
    }
    if (input.status && isFinished(input.status) && input.endedAt === undefined && !current.endedAt) {
      patch.endedAt = new Date();
    }
    // A finished run keeps an end time: clearing it would leave a succeeded run that never ended.
    if (input.endedAt === null && isFinished(input.status ?? current.status)) {
      throw new AppError(
        'bad_request',
        `endedAt cannot be cleared on a ${input.status ?? current.status} run`,
        [{ path: ['endedAt'], code: 'invalid_value', message: 'A finished run must have an end time' }],
      );
    }
    if (
      input.totalTokens === undefined &&
      (input.inputTokens !== undefined || input.outputTokens !== undefined)
    ) {
      patch.totalTokens =
        (input.inputTokens ?? current.inputTokens) + (input.outputTokens ?? current.outputTokens);
    }
    if (input.costUsd !== undefined) patch.costSource = 'client';
    const [updated] = await tx
      .update(runs)
      .set(patch)
      .where(and(eq(runs.projectId, projectId), eq(runs.id, runId)))
      .returning(runColumns);
    if (
      input.costUsd === undefined &&
      current.costSource !== 'client' &&
      (input.inputTokens !== undefined || input.outputTokens !== undefined || input.model !== undefined)
    ) {
      // New token totals or model without a cost: priced by the one rule (its usage events at their
      // prices, its own tokens beyond them at its start); a client-sent cost stays.
      const [priced] = await queryRows<{ cost_usd: number }>(
        tx,
        repriceRunsSql(projectId, sql`select ${runId}::uuid`),
      );
      if (priced) return { ...updated!, costUsd: Number(priced.cost_usd), costSource: 'price' as const };
    }
    return updated!;
  });
}

/**
 * Deletes the run; its events, results and reports go with it (foreign keys cascade). What outlives it
 * (its ledger rows, reservations and child runs) forgets it first, in the same transaction: those keys
 * take no action on delete. The run is locked first, so a row that would reference it meanwhile waits
 * and then finds it gone (as its foreign key check would have anyway).
 */
export async function deleteRun(db: DbOrTx, projectId: string, runId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const p = sql`${projectId}::uuid`;
    const r = sql`${runId}::uuid`;
    const locked = await queryRows(
      tx,
      sql`select 1 from runs where project_id = ${p} and id = ${r} for update`,
    );
    if (locked.length === 0) throw notFound('Run');
    await queryRows(tx, sql`update usage_events set run_id = null where project_id = ${p} and run_id = ${r}`);
    await queryRows(
      tx,
      sql`update usage_reservations set run_id = null where project_id = ${p} and run_id = ${r}`,
    );
    await queryRows(
      tx,
      sql`update runs set parent_run_id = null where project_id = ${p} and parent_run_id = ${r}`,
    );
    await tx.delete(runs).where(and(eq(runs.id, runId), eq(runs.projectId, projectId)));
  });
}
