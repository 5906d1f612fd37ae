import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { type Evaluator, evaluationJobs, evaluators } from '@/db/schema';
import { queryRows } from '@/db/sql';
import type { EvaluationStatus } from '@/lib/enums';
import { insertScores } from '../scores/insert';
import { runCodeEvaluator, type Verdict } from './code';
import { classifyError } from './errors';
import { runJudge } from './judge';
import { drainInbox } from './queue';
import { loadTarget } from './target';

export type WorkerOptions = {
  /** Names this worker on the leases it takes (unique per process). */
  workerId: string;
  /** The clock: leases, backoff, budgets and ledger times are read from it (tests move it). */
  now: () => Date;
  /** Evaluations run at once. */
  concurrency: number;
  /** How long a lease lasts; a job whose worker stopped is taken again after it. */
  leaseMs: number;
  /** Attempts before an evaluation is given up (recorded as failed). */
  maxAttempts: number;
  /** The first retry's delay; each next one doubles it. */
  backoffMs: number;
  /** How long a judge's model may take to answer. */
  judgeTimeoutMs: number;
};

export const defaultWorkerOptions = {
  concurrency: 4,
  leaseMs: 120_000,
  maxAttempts: 4,
  backoffMs: 10_000,
  judgeTimeoutMs: 60_000,
} satisfies Partial<WorkerOptions>;

type ClaimedJob = {
  id: number;
  project_id: string;
  evaluator_id: string;
  run_id: string;
  result_id: string | null;
  attempts: number;
};

/**
 * Leases up to `limit` due evaluations (waiting ones, and running ones whose lease ran out): one
 * statement, FOR UPDATE SKIP LOCKED, so concurrent workers never take the same row.
 */
export async function claimJobs(
  db: DbOrTx,
  workerId: string,
  now: Date,
  limit: number,
  leaseMs: number,
): Promise<ClaimedJob[]> {
  const rows = await queryRows<ClaimedJob>(
    db,
    sql`with picked as (
          select id from evaluation_jobs
          where status in ('pending', 'running') and run_after <= ${now.toISOString()}::timestamptz
          order by run_after, id
          limit ${limit}
          for update skip locked
        )
        update evaluation_jobs j
        set status = 'running', attempts = j.attempts + 1, leased_by = ${workerId},
            run_after = ${new Date(now.getTime() + leaseMs).toISOString()}::timestamptz,
            updated_at = ${now.toISOString()}::timestamptz
        from picked where j.id = picked.id
        returning j.id, j.project_id, j.evaluator_id, j.run_id, j.result_id, j.attempts`,
  );
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}

/**
 * Counts one attempt against the evaluator's budget for the UTC day of `now`, in one conditional
 * upsert: false (and nothing counted) when the day's budget is used up.
 */
export async function takeBudget(db: DbOrTx, evaluator: Evaluator, now: Date): Promise<boolean> {
  if (evaluator.dailyBudget === null) return true;
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const rows = await queryRows<{ attempts: number }>(
    db,
    sql`insert into evaluator_daily_usage as u (evaluator_id, day, attempts)
        values (${evaluator.id}, ${day.toISOString()}::timestamptz, 1)
        on conflict (evaluator_id, day) do update set attempts = u.attempts + 1
        where u.attempts < ${evaluator.dailyBudget}
        returning attempts`,
  );
  return rows.length > 0;
}

type Settle = { status: Exclude<EvaluationStatus, 'running'>; error?: string | null; runAfter?: Date };

/** Writes a job's outcome if this worker still holds its lease; false when it lost it. */
async function settle(db: DbOrTx, job: ClaimedJob, opts: WorkerOptions, s: Settle): Promise<boolean> {
  const now = opts.now();
  const rows = await db
    .update(evaluationJobs)
    .set({
      status: s.status,
      lastError: s.error ?? null,
      leasedBy: null,
      runAfter: s.runAfter ?? now,
      updatedAt: now,
    })
    .where(
      and(
        eq(evaluationJobs.id, job.id),
        eq(evaluationJobs.leasedBy, opts.workerId),
        eq(evaluationJobs.status, 'running'),
      ),
    )
    .returning({ id: evaluationJobs.id });
  return rows.length > 0;
}

/**
 * Writes the score and marks the job done in one transaction, only while this worker holds the lease
 * (the row is locked first): a worker that lost its lease writes nothing, and the unique author/target
 * index keeps one score per evaluator and target in any case.
 */
async function complete(
  db: DbOrTx,
  job: ClaimedJob,
  evaluator: Evaluator,
  verdict: Extract<Verdict, { kind: 'score' }>,
  opts: WorkerOptions,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [held] = await tx
      .select({ id: evaluationJobs.id })
      .from(evaluationJobs)
      .where(
        and(
          eq(evaluationJobs.id, job.id),
          eq(evaluationJobs.leasedBy, opts.workerId),
          eq(evaluationJobs.status, 'running'),
        ),
      )
      .for('update');
    if (!held) return false;
    const { ids } = await insertScores(
      tx,
      job.project_id,
      { source: 'evaluator', authorId: evaluator.id },
      [
        {
          runId: job.run_id,
          resultId: job.result_id ?? undefined,
          name: evaluator.name,
          value: verdict.value,
          comment: verdict.comment?.slice(0, 2000) ?? undefined,
        },
      ],
      null,
    );
    const now = opts.now();
    await tx
      .update(evaluationJobs)
      .set({
        status: 'done',
        scoreId: ids[0],
        lastError: null,
        leasedBy: null,
        runAfter: now,
        updatedAt: now,
      })
      .where(eq(evaluationJobs.id, job.id));
    return true;
  });
}

export type JobOutcome = 'done' | 'retry' | 'failed' | 'skipped' | 'lost';

/** Runs one leased evaluation to an outcome; never throws (an error is a retry or a recorded failure). */
export async function processJob(db: DbOrTx, job: ClaimedJob, opts: WorkerOptions): Promise<JobOutcome> {
  const skip = async (reason: string) =>
    (await settle(db, job, opts, { status: 'skipped', error: reason })) ? 'skipped' : 'lost';
  try {
    const [evaluator] = await db.select().from(evaluators).where(eq(evaluators.id, job.evaluator_id));
    if (!evaluator?.enabled) return await skip('The evaluator is disabled');
    if (job.attempts > opts.maxAttempts) {
      const error = `Gave up after ${opts.maxAttempts} attempts (the last one never finished)`;
      return (await settle(db, job, opts, { status: 'failed', error })) ? 'failed' : 'lost';
    }
    if (!(await takeBudget(db, evaluator, opts.now())))
      return await skip(`The daily budget of ${evaluator.dailyBudget} evaluations is used up`);
    const config = evaluator.config;
    const withEvents = config.type === 'tool_called' || config.type === 'llm_judge';
    const target = await loadTarget(db, job.project_id, job.run_id, job.result_id, withEvents);
    if (!target) return await skip('The run or result no longer exists');
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
    if (verdict.kind === 'skip') return await skip(verdict.reason);
    return (await complete(db, job, evaluator, verdict, opts)) ? 'done' : 'lost';
  } catch (err) {
    const { retry, message } = classifyError(err);
    try {
      if (retry && job.attempts < opts.maxAttempts) {
        const runAfter = new Date(opts.now().getTime() + opts.backoffMs * 2 ** (job.attempts - 1));
        return (await settle(db, job, opts, { status: 'pending', error: message, runAfter }))
          ? 'retry'
          : 'lost';
      }
      return (await settle(db, job, opts, { status: 'failed', error: message })) ? 'failed' : 'lost';
    } catch (settleErr) {
      // The database is gone too: the lease runs out and another attempt takes the job.
      console.error('[runledger] evaluator job: could not record an outcome', settleErr);
      return 'lost';
    }
  }
}

export type PassSummary = { inbox: number; claimed: number; outcomes: Record<JobOutcome, number> };

/** One pass: the inbox matched into evaluations, then up to `concurrency` of them run at once. */
export async function runEvaluationPass(db: DbOrTx, opts: WorkerOptions): Promise<PassSummary> {
  const inbox = await drainInbox(db, opts.now());
  const jobs = await claimJobs(db, opts.workerId, opts.now(), opts.concurrency, opts.leaseMs);
  const outcomes: Record<JobOutcome, number> = { done: 0, retry: 0, failed: 0, skipped: 0, lost: 0 };
  for (const o of await Promise.all(jobs.map((j) => processJob(db, j, opts)))) outcomes[o]++;
  return { inbox, claimed: jobs.length, outcomes };
}

/**
 * Starts the evaluator job in this process: a pass every `everyMs`, at once again while passes find a
 * full batch. Unref'd timers; a failed pass is logged and the next one tries again. Returns a stop.
 */
export function startEvaluatorJob(db: () => DbOrTx, opts: WorkerOptions & { everyMs: number }): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(tick, ms);
    timer.unref();
  };
  const tick = () => {
    runEvaluationPass(db(), opts).then(
      (s) => schedule(s.claimed >= opts.concurrency || s.inbox > 0 ? 0 : opts.everyMs),
      (err) => {
        console.error('[runledger] evaluator pass failed', err);
        schedule(opts.everyMs);
      },
    );
  };
  schedule(opts.everyMs);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
