import 'server-only';
import { createHash } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { type Evaluator, evaluationJobs, evaluators, runResults, runs } from '@/db/schema';
import { queryRows } from '@/db/sql';
import { claimPerProject, dueProjectsSql } from '@/server/jobs/claims';
import type { EvaluatorFilter } from '@/lib/contract';
import { type AuditActor, writeAudit } from '../audit/audit';
import { AppError, notFound } from '../errors';
import { getEvaluator } from './evaluators';

type Target = { runId: string; resultId: string | null };

/** The run fields an online filter reads. */
export type FilteredRun = {
  kind: string;
  model: string | null;
  name: string;
  tags: string[];
  metadata: Record<string, unknown>;
};

/** Whether a run matches every field the filter gives (tags: any one of them). */
export function matchesFilter(filter: EvaluatorFilter, run: FilteredRun): boolean {
  if (filter.kinds?.length && !filter.kinds.includes(run.kind as never)) return false;
  if (filter.models?.length && !(run.model && filter.models.includes(run.model))) return false;
  if (filter.tags?.length && !filter.tags.some((t) => run.tags.includes(t))) return false;
  if (filter.nameContains && !run.name.toLowerCase().includes(filter.nameContains.toLowerCase()))
    return false;
  for (const [key, value] of Object.entries(filter.metadata ?? {})) {
    const v = run.metadata[key];
    if ((typeof v === 'string' ? v : JSON.stringify(v)) !== value) return false;
  }
  return true;
}

/**
 * Whether the sample takes this run: decided by a hash of evaluator and run, so the same run gets the
 * same answer however often it is considered (a restart, a second worker).
 */
export function sampled(evaluatorId: string, runId: string, rate: number): boolean {
  if (rate >= 1) return true;
  if (rate <= 0) return false;
  const h = createHash('sha256').update(`${evaluatorId}:${runId}`).digest().readUInt32BE(0);
  return h / 2 ** 32 < rate;
}

/**
 * Adds evaluations, once per target. A target already queued or scored is left as it is; one that
 * failed or was skipped (a used-up budget) is queued again.
 */
async function addJobs(
  db: DbOrTx,
  projectId: string,
  evaluatorId: string,
  targets: Target[],
  now: Date,
): Promise<number> {
  if (targets.length === 0) return 0;
  // Array literals (uuids need no quoting): one parameter each, whatever the driver.
  const runIds = `{${targets.map((t) => t.runId).join(',')}}`;
  const resultIds = `{${targets.map((t) => t.resultId ?? 'NULL').join(',')}}`;
  const requeued = await queryRows<{ id: number }>(
    db,
    sql`update evaluation_jobs j
        set status = 'pending', attempts = 0, last_error = null, run_after = ${now.toISOString()}::timestamptz,
            updated_at = ${now.toISOString()}::timestamptz
        from unnest(${runIds}::uuid[], ${resultIds}::uuid[]) as t(run_id, result_id)
        where j.project_id = ${projectId}::uuid and j.evaluator_id = ${evaluatorId} and j.run_id = t.run_id
          and j.result_id is not distinct from t.result_id and j.status in ('failed', 'skipped')
        returning j.id`,
  );
  const inserted = await db
    .insert(evaluationJobs)
    .values(
      targets.map((t) => ({ projectId, evaluatorId, ...t, runAfter: now, createdAt: now, updatedAt: now })),
    )
    .onConflictDoNothing()
    .returning({ id: evaluationJobs.id });
  return requeued.length + inserted.length;
}

export type EnqueueResult = { queued: number; alreadyQueued: number };

/** Queues the evaluator on a selection of runs (all of the project, else 404 and nothing queued). */
export async function enqueueRuns(
  db: DbOrTx,
  projectId: string,
  evaluatorId: string,
  runIds: string[],
  actor: AuditActor,
  now = new Date(),
): Promise<EnqueueResult> {
  const ids = [...new Set(runIds)];
  return db.transaction(async (tx) => {
    await getEvaluator(tx, projectId, evaluatorId);
    const found = await tx
      .select({ id: runs.id })
      .from(runs)
      .where(and(eq(runs.projectId, projectId), inArray(runs.id, ids)));
    if (found.length !== ids.length) throw notFound('Run');
    const queued = await addJobs(
      tx,
      projectId,
      evaluatorId,
      ids.map((runId) => ({ runId, resultId: null })),
      now,
    );
    await writeAudit(tx, {
      projectId,
      actor,
      action: 'evaluator.queued',
      target: evaluatorId,
      after: { runs: ids.length, queued },
    });
    return { queued, alreadyQueued: ids.length - queued };
  });
}

/** Queues the evaluator on every result of a dataset run of the project. */
export async function enqueueDatasetRun(
  db: DbOrTx,
  projectId: string,
  evaluatorId: string,
  datasetRunId: string,
  actor: AuditActor,
  now = new Date(),
): Promise<EnqueueResult> {
  return db.transaction(async (tx) => {
    await getEvaluator(tx, projectId, evaluatorId);
    const [run] = await tx
      .select({ kind: runs.kind })
      .from(runs)
      .where(and(eq(runs.id, datasetRunId), eq(runs.projectId, projectId)));
    if (!run) throw notFound('Run');
    if (run.kind !== 'dataset') throw new AppError('bad_request', 'The run is not a dataset run');
    const results = await tx
      .select({ id: runResults.id })
      .from(runResults)
      .where(and(eq(runResults.projectId, projectId), eq(runResults.runId, datasetRunId)));
    const queued = await addJobs(
      tx,
      projectId,
      evaluatorId,
      results.map((r) => ({ runId: datasetRunId, resultId: r.id })),
      now,
    );
    await writeAudit(tx, {
      projectId,
      actor,
      action: 'evaluator.queued',
      target: evaluatorId,
      after: { datasetRunId, results: results.length, queued },
    });
    return { queued, alreadyQueued: results.length - queued };
  });
}

type InboxRow = FilteredRun & { run_id: string; project_id: string };

/**
 * Turns finished runs waiting in the inbox into evaluations of the online evaluators whose filter and
 * sample take them, and empties those inbox rows, in one transaction: per project with rows waiting,
 * one statement (claimPerProject shares `limit` across them). Rows another worker is draining are
 * skipped (SKIP LOCKED). Returns how many inbox rows were handled.
 */
export async function drainInbox(db: DbOrTx, now: Date, limit = 500): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await claimPerProject(
      tx,
      dueProjectsSql('evaluation_inbox', sql`true`, 'created_at', limit),
      limit,
      (projectId, take) =>
        queryRows<InboxRow>(
          tx,
          sql`with picked as (
                select run_id from evaluation_inbox where project_id = ${projectId}::uuid
                order by created_at limit ${take}
                for update skip locked
              ), gone as (
                delete from evaluation_inbox i using picked
                where i.project_id = ${projectId}::uuid and i.run_id = picked.run_id
                returning i.run_id
              )
              select r.id as run_id, r.project_id, r.kind, r.model, r.name, r.tags, r.metadata
              from gone join runs r on r.project_id = ${projectId}::uuid and r.id = gone.run_id`,
        ),
    );
    if (rows.length === 0) return 0;
    const projectIds = [...new Set(rows.map((r) => r.project_id))];
    const online = await tx
      .select()
      .from(evaluators)
      .where(
        and(
          inArray(evaluators.projectId, projectIds),
          eq(evaluators.online, true),
          eq(evaluators.enabled, true),
        ),
      );
    const byProject = new Map<string, Evaluator[]>();
    for (const e of online) byProject.set(e.projectId, [...(byProject.get(e.projectId) ?? []), e]);
    const jobs: (typeof evaluationJobs.$inferInsert)[] = [];
    for (const r of rows) {
      for (const e of byProject.get(r.project_id) ?? []) {
        if (matchesFilter(e.filter, r) && sampled(e.id, r.run_id, e.sampleRate))
          jobs.push({
            projectId: r.project_id,
            evaluatorId: e.id,
            runId: r.run_id,
            runAfter: now,
            createdAt: now,
            updatedAt: now,
          });
      }
    }
    for (let i = 0; i < jobs.length; i += 1000)
      await tx
        .insert(evaluationJobs)
        .values(jobs.slice(i, i + 1000))
        .onConflictDoNothing();
    return rows.length;
  });
}
