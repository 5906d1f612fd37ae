import 'server-only';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { type Evaluator, evaluators } from '@/db/schema';
import { queryRows } from '@/db/sql';
import { runCodeEvaluator } from './code';
import { classifyError } from './errors';
import type { ClaimedJob, Evaluated, WorkerOptions } from './job-types';
import { runJudge } from './judge';
import { type EvaluationTarget, loadTarget, loadTargets } from './target';

/**
 * Counts one attempt against the evaluator's budget for the UTC day of `now`, in one conditional
 * upsert: false (and nothing counted) when the day's budget is used up.
 */
export async function takeBudget(db: DbOrTx, evaluator: Evaluator, now: Date): Promise<boolean> {
  if (evaluator.dailyBudget === null) return true;
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const rows = await queryRows<{ attempts: number }>(
    db,
    sql`insert into evaluator_daily_usage as u (project_id, evaluator_id, day, attempts)
        values (${evaluator.projectId}, ${evaluator.id}, ${day.toISOString()}::timestamptz, 1)
        on conflict (evaluator_id, day, project_id) do update set attempts = u.attempts + 1
        where u.attempts < ${evaluator.dailyBudget}
        returning attempts`,
  );
  return rows.length > 0;
}

/** The evaluators of one pass, read once each. */
type EvaluatorCache = Map<string, Promise<Evaluator | undefined>>;

/**
 * Runs one leased evaluation to its verdict or outcome, writing nothing but its budget count (the
 * caller writes a batch of them with writeOutcomes). Never throws: an error becomes a retry or a
 * recorded failure.
 */
export async function evaluateJob(
  db: DbOrTx,
  job: ClaimedJob,
  opts: WorkerOptions,
  cache: EvaluatorCache = new Map(),
  /** The target, read with the pass's others (loadTargets); read here when not given. */
  preloaded?: EvaluationTarget | null,
): Promise<Evaluated> {
  const skip = (reason: string): Evaluated => ({
    job,
    kind: 'settle',
    settle: { status: 'skipped', error: reason },
    outcome: 'skipped',
  });
  try {
    let pending = cache.get(job.evaluator_id);
    if (!pending) {
      pending = db
        .select()
        .from(evaluators)
        .where(eq(evaluators.id, job.evaluator_id))
        .then((rows) => rows[0]);
      cache.set(job.evaluator_id, pending);
    }
    const evaluator = await pending;
    if (!evaluator?.enabled) return skip('The evaluator is disabled');
    if (job.attempts > opts.maxAttempts) {
      const error = `Gave up after ${opts.maxAttempts} attempts (the last one never finished)`;
      return { job, kind: 'settle', settle: { status: 'failed', error }, outcome: 'failed' };
    }
    if (!(await takeBudget(db, evaluator, opts.now())))
      return skip(`The daily budget of ${evaluator.dailyBudget} evaluations is used up`);
    const config = evaluator.config;
    const withEvents = config.type === 'tool_called' || config.type === 'llm_judge';
    const target =
      preloaded !== undefined
        ? preloaded
        : await loadTarget(db, job.project_id, job.run_id, job.result_id, withEvents);
    if (!target) return skip('The run or result no longer exists');
    const verdict =
      config.type === 'llm_judge'
        ? await runJudge(db, config, target, {
            projectId: job.project_id,
            evaluatorName: evaluator.name,
            usageKey: `evaluation:${job.id}:${job.attempts}`,
            now: opts.now(),
            timeoutMs: opts.judgeTimeoutMs,
          })
        : runCodeEvaluator(config, target);
    if (verdict.kind === 'skip') return skip(verdict.reason);
    return { job, kind: 'score', evaluator, verdict };
  } catch (err) {
    return failure(job, err, opts);
  }
}

/** An error's outcome: another attempt later (with backoff) while attempts are left and it may help. */
function failure(job: ClaimedJob, err: unknown, opts: WorkerOptions): Evaluated {
  const { retry, message } = classifyError(err);
  if (retry && job.attempts < opts.maxAttempts) {
    const runAfter = new Date(opts.now().getTime() + opts.backoffMs * 2 ** (job.attempts - 1));
    return { job, kind: 'settle', settle: { status: 'pending', error: message, runAfter }, outcome: 'retry' };
  }
  return { job, kind: 'settle', settle: { status: 'failed', error: message }, outcome: 'failed' };
}

/**
 * The pass's evaluators (one query) and their targets (loadTargets: a query for the runs, one for the
 * results, and the events of those whose evaluator reads them). Targets undefined when the reads fail:
 * each evaluation then reads its own, and meets the error as a retry.
 */
export async function preload(
  db: DbOrTx,
  jobs: ClaimedJob[],
): Promise<{ cache: EvaluatorCache; targets?: (EvaluationTarget | null)[] }> {
  const cache: EvaluatorCache = new Map();
  if (jobs.length === 0) return { cache };
  try {
    const ids = [...new Set(jobs.map((j) => j.evaluator_id))];
    const projectIds = [...new Set(jobs.map((j) => j.project_id))];
    const found = new Map(
      (
        await db
          .select()
          .from(evaluators)
          .where(and(inArray(evaluators.projectId, projectIds), inArray(evaluators.id, ids)))
      ).map((e) => [e.id, e]),
    );
    for (const id of ids) cache.set(id, Promise.resolve(found.get(id)));
    const targets = await loadTargets(
      db,
      jobs.map((j) => {
        const type = found.get(j.evaluator_id)?.config.type;
        return {
          projectId: j.project_id,
          runId: j.run_id,
          resultId: j.result_id,
          withEvents: type === 'tool_called' || type === 'llm_judge',
        };
      }),
    );
    return { cache, targets };
  } catch {
    return { cache: new Map() };
  }
}
