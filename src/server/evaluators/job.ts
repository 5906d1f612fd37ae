import 'server-only';
import { randomUUID } from 'node:crypto';
import { eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { type Evaluator, evaluators } from '@/db/schema';
import { queryRows } from '@/db/sql';
import type { EvaluationStatus } from '@/lib/enums';
import { type AuditInput, writeAudits } from '../audit/audit';
import { getScoreSettings, scoreConfigsByName } from '../scores/configs';
import { checkScore } from '../scores/validate';
import { runCodeEvaluator, type Verdict } from './code';
import { classifyError } from './errors';
import { runJudge } from './judge';
import { drainInbox } from './queue';
import { type EvaluationTarget, loadTarget, loadTargets } from './target';

export type WorkerOptions = {
  /** Names this worker on the leases it takes (unique per process). */
  workerId: string;
  /** The clock: leases, backoff, budgets and ledger times are read from it (tests move it). */
  now: () => Date;
  /** Evaluations run at once. */
  concurrency: number;
  /** Evaluations leased and written together per pass (default: `concurrency`). */
  batchSize?: number;
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
  batchSize: 32,
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
    sql`insert into evaluator_daily_usage as u (project_id, evaluator_id, day, attempts)
        values (${evaluator.projectId}, ${evaluator.id}, ${day.toISOString()}::timestamptz, 1)
        on conflict (evaluator_id, day, project_id) do update set attempts = u.attempts + 1
        where u.attempts < ${evaluator.dailyBudget}
        returning attempts`,
  );
  return rows.length > 0;
}

type Settle = { status: Exclude<EvaluationStatus, 'running'>; error?: string | null; runAfter?: Date };

/** An evaluation run to its end, not yet written: a score to store, or an outcome to record. */
type Evaluated = { job: ClaimedJob } & (
  | { kind: 'score'; evaluator: Evaluator; verdict: Extract<Verdict, { kind: 'score' }> }
  | { kind: 'settle'; settle: Settle; outcome: Exclude<JobOutcome, 'done' | 'lost'> }
);

export type JobOutcome = 'done' | 'retry' | 'failed' | 'skipped' | 'lost';

/** The evaluators of one pass, read once each. */
type EvaluatorCache = Map<string, Promise<Evaluator | undefined>>;

/**
 * Runs one leased evaluation to its verdict or outcome, writing nothing but its budget count (the
 * caller writes a batch of them with writeOutcomes). Never throws: an error becomes a retry or a
 * recorded failure.
 */
async function evaluateJob(
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

const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/**
 * Writes a batch of evaluations in one transaction, only those whose lease this worker still holds
 * (their rows locked first; the others are `lost` and write nothing): the scores in one upsert (one
 * per evaluator and target: a new verdict replaces the evaluator's own, its change audited), one audit
 * entry per evaluator, and every job's outcome in one update. A score its config refuses fails its
 * job; a run or result gone meanwhile skips it. Answers each evaluation's outcome, in order.
 */
async function writeOutcomes(db: DbOrTx, list: Evaluated[], opts: WorkerOptions): Promise<JobOutcome[]> {
  if (list.length === 0) return [];
  return db.transaction(async (tx) => {
    const held = new Set(
      (
        await queryRows<{ id: string | number }>(
          tx,
          sql`select id from evaluation_jobs
            where id = any(${`{${list.map((e) => e.job.id).join(',')}}`}::bigint[])
              and leased_by = ${opts.workerId} and status = 'running'
            for update`,
        )
      ).map((r) => Number(r.id)),
    );
    const outcomes = new Map<number, JobOutcome>();
    const settles = new Map<number, Settle & { scoreId?: string }>();
    const scoring: Extract<Evaluated, { kind: 'score' }>[] = [];
    for (const e of list) {
      if (!held.has(e.job.id)) outcomes.set(e.job.id, 'lost');
      else if (e.kind === 'settle') {
        outcomes.set(e.job.id, e.outcome);
        settles.set(e.job.id, e.settle);
      } else scoring.push(e);
    }
    // Each score as its config takes it (the same check as every other way in).
    const rows: ScoreRow[] = [];
    for (const projectId of new Set(scoring.map((e) => e.job.project_id))) {
      const mine = scoring.filter((e) => e.job.project_id === projectId);
      const configs = await scoreConfigsByName(tx, projectId, [
        ...new Set(mine.map((e) => e.evaluator.name)),
      ]);
      const { requireConfig } = await getScoreSettings(tx, projectId);
      for (const e of mine) {
        const checked = checkScore(
          { name: e.evaluator.name, value: e.verdict.value },
          configs.get(e.evaluator.name),
          requireConfig,
        );
        if ('issue' in checked) {
          outcomes.set(e.job.id, 'failed');
          settles.set(e.job.id, { status: 'failed', error: `Score refused: ${checked.issue.message}` });
          continue;
        }
        rows.push({
          job_id: e.job.id,
          id: randomUUID(),
          project_id: projectId,
          run_id: e.job.run_id,
          result_id: e.job.result_id,
          name: e.evaluator.name,
          data_type: checked.dataType,
          value: checked.value,
          comment: e.verdict.comment?.slice(0, 2000) ?? null,
          author_id: e.evaluator.id,
        });
      }
    }
    const stored = await upsertEvaluatorScores(tx, rows);
    for (const r of rows) {
      const s = stored.get(r.job_id);
      if (s) {
        outcomes.set(r.job_id, 'done');
        settles.set(r.job_id, { status: 'done', scoreId: s.id });
      } else {
        outcomes.set(r.job_id, 'skipped');
        settles.set(r.job_id, { status: 'skipped', error: 'The run or result no longer exists' });
      }
    }
    await writeAudits(tx, scoreAudits(rows, stored));
    const now = opts.now();
    const updates = [...settles].map(([id, s]) => ({
      id,
      status: s.status,
      score_id: s.scoreId ?? null,
      last_error: s.error ?? null,
      run_after: (s.runAfter ?? now).toISOString(),
    }));
    if (updates.length > 0)
      await queryRows(
        tx,
        sql`update evaluation_jobs j
          set status = x.status::evaluation_status, score_id = coalesce(x.score_id, j.score_id),
            last_error = x.last_error, leased_by = null, run_after = x.run_after,
            updated_at = ${now.toISOString()}::timestamptz
          from jsonb_to_recordset(${JSON.stringify(updates)}::jsonb)
            as x(id bigint, status text, score_id uuid, last_error text, run_after timestamptz)
          where j.id = x.id`,
      );
    return list.map((e) => outcomes.get(e.job.id)!);
  });
}

type ScoreRow = {
  job_id: number;
  id: string;
  project_id: string;
  run_id: string;
  result_id: string | null;
  name: string;
  data_type: string;
  value: number | null;
  comment: string | null;
  author_id: string;
};

type StoredScore = {
  job_id: number;
  id: string;
  prev_value: number | null;
  prev_label: string | null;
  prev_comment: string | null;
  replaced: boolean;
};

/**
 * Stores evaluator scores in one statement, one per evaluator and target (a score already there is
 * replaced, keeping its id); rows whose run or result is gone are left out. Answers, by job, the
 * stored score and what it replaced.
 */
async function upsertEvaluatorScores(tx: DbOrTx, rows: ScoreRow[]): Promise<Map<number, StoredScore>> {
  if (rows.length === 0) return new Map();
  const nil = sql.raw(`'${NIL_UUID}'::uuid`);
  const found = await queryRows<StoredScore & { job_id: string | number }>(
    tx,
    sql`with x as (
          select x.* from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(job_id bigint, id uuid,
            project_id uuid, run_id uuid, result_id uuid, name text, data_type text, value float8, comment text,
            author_id text)
          where exists (select 1 from runs r where r.id = x.run_id and r.project_id = x.project_id)
            and (x.result_id is null
              or exists (select 1 from run_results rr where rr.id = x.result_id and rr.run_id = x.run_id))
        ),
        prev as (
          select s.id, s.value, s.label, s.comment from scores s join x on s.run_id = x.run_id
            and s.seq is null and coalesce(s.result_id, ${nil}) = coalesce(x.result_id, ${nil})
            and s.name = x.name and s.source = 'evaluator' and s.author_id = x.author_id
        ),
        up as (
          insert into scores (id, project_id, run_id, seq, result_id, name, data_type, value, label, source,
            author_id, comment)
          select x.id, x.project_id, x.run_id, null, x.result_id, x.name, x.data_type::score_type, x.value, null,
            'evaluator'::score_source, x.author_id, x.comment
          from x
          on conflict (run_id, coalesce(seq, -1), coalesce(result_id, ${nil}), name, source, author_id)
            where source <> 'api'
          do update set data_type = excluded.data_type, value = excluded.value, label = excluded.label,
            comment = excluded.comment, updated_at = now()
          returning id, run_id, result_id, name, author_id
        )
        select x.job_id, up.id, prev.id is not null as replaced, prev.value as prev_value,
          prev.label as prev_label, prev.comment as prev_comment
        from x join up on up.run_id = x.run_id and coalesce(up.result_id, ${nil}) = coalesce(x.result_id, ${nil})
          and up.name = x.name and up.author_id = x.author_id
        left join prev on prev.id = up.id`,
  );
  return new Map(found.map((f) => [Number(f.job_id), { ...f, job_id: Number(f.job_id) }]));
}

/** One `scores.added` entry per evaluator of the batch, and a `score.replaced` per changed score. */
function scoreAudits(rows: ScoreRow[], stored: Map<number, StoredScore>): AuditInput[] {
  const written = rows.filter((r) => stored.has(r.job_id));
  const entries: AuditInput[] = [];
  for (const authorId of new Set(written.map((r) => r.author_id))) {
    const mine = written.filter((r) => r.author_id === authorId);
    const changed = mine.filter((r) => {
      const s = stored.get(r.job_id)!;
      return !s.replaced || s.prev_value !== r.value || s.prev_label !== null || s.prev_comment !== r.comment;
    });
    if (changed.length === 0) continue;
    const runIds = [...new Set(changed.map((r) => r.run_id))];
    entries.push({
      projectId: changed[0]!.project_id,
      actor: null,
      action: 'scores.added',
      target: runIds.length === 1 ? runIds[0] : null,
      after: {
        source: 'evaluator',
        authorId,
        accepted: changed.length,
        names: [...new Set(changed.map((r) => r.name))],
        runs: runIds.length,
      },
    });
    for (const r of changed) {
      const s = stored.get(r.job_id)!;
      if (!s.replaced) continue;
      entries.push({
        projectId: r.project_id,
        actor: null,
        action: 'score.replaced',
        target: s.id,
        before: { value: s.prev_value, label: s.prev_label, comment: s.prev_comment },
        after: { value: r.value, label: null, comment: r.comment },
      });
    }
  }
  return entries;
}

/**
 * The pass's evaluators (one query) and their targets (loadTargets: a query for the runs, one for the
 * results, and the events of those whose evaluator reads them). Targets undefined when the reads fail:
 * each evaluation then reads its own, and meets the error as a retry.
 */
async function preload(
  db: DbOrTx,
  jobs: ClaimedJob[],
): Promise<{ cache: EvaluatorCache; targets?: (EvaluationTarget | null)[] }> {
  const cache: EvaluatorCache = new Map();
  if (jobs.length === 0) return { cache };
  try {
    const ids = [...new Set(jobs.map((j) => j.evaluator_id))];
    const found = new Map(
      (await db.select().from(evaluators).where(inArray(evaluators.id, ids))).map((e) => [e.id, e]),
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

/** Gives leased evaluations that were not started back to the queue, due now, their attempt uncounted. */
async function releaseJobs(db: DbOrTx, jobs: ClaimedJob[], opts: WorkerOptions): Promise<void> {
  await queryRows(
    db,
    sql`update evaluation_jobs set status = 'pending', attempts = attempts - 1, leased_by = null,
        run_after = ${opts.now().toISOString()}::timestamptz
      where id = any(${`{${jobs.map((j) => j.id).join(',')}}`}::bigint[]) and leased_by = ${opts.workerId}
        and status = 'running'`,
  );
}

/** Runs one leased evaluation to an outcome and writes it; never throws. */
export async function processJob(db: DbOrTx, job: ClaimedJob, opts: WorkerOptions): Promise<JobOutcome> {
  const [outcome] = await writeBatch(db, [await evaluateJob(db, job, opts)], opts);
  return outcome!;
}

/** writeOutcomes, or every evaluation `lost` when the database is gone too (the leases run out). */
async function writeBatch(db: DbOrTx, list: Evaluated[], opts: WorkerOptions): Promise<JobOutcome[]> {
  try {
    return await writeOutcomes(db, list, opts);
  } catch (err) {
    console.error('[runledger] evaluator job: could not record outcomes', err);
    return list.map(() => 'lost');
  }
}

export type PassSummary = { inbox: number; claimed: number; outcomes: Record<JobOutcome, number> };

/**
 * One pass: the inbox matched into evaluations, then up to `batchSize` of them leased and run,
 * `concurrency` at once, and written together (writeOutcomes). Those finished are written early when
 * half the lease has gone by, so a slow batch (judges) never outlives its leases.
 */
export async function runEvaluationPass(db: DbOrTx, opts: WorkerOptions): Promise<PassSummary> {
  const inbox = await drainInbox(db, opts.now());
  const claimedAt = opts.now().getTime();
  const jobs = await claimJobs(
    db,
    opts.workerId,
    opts.now(),
    opts.batchSize ?? opts.concurrency,
    opts.leaseMs,
  );
  const outcomes: Record<JobOutcome, number> = { done: 0, retry: 0, failed: 0, skipped: 0, lost: 0 };
  const { cache, targets } = await preload(db, jobs);
  let ready: Evaluated[] = [];
  let flushing: Promise<void> = Promise.resolve();
  const flush = () => {
    const batch = ready;
    ready = [];
    flushing = flushing.then(async () => {
      for (const o of await writeBatch(db, batch, opts)) outcomes[o]++;
    });
    return flushing;
  };
  const late = () => opts.now().getTime() - claimedAt > opts.leaseMs / 2;
  let next = 0;
  const worker = async () => {
    // Past half the lease, no new evaluation starts: the rest go back to the queue below.
    while (next < jobs.length && !late()) {
      const i = next++;
      ready.push(await evaluateJob(db, jobs[i]!, opts, cache, targets?.[i]));
      if (late()) await flush();
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency, jobs.length) }, worker));
  await flush();
  if (next < jobs.length) await releaseJobs(db, jobs.slice(next), opts);
  return { inbox, claimed: next, outcomes };
}

/**
 * Starts the evaluator job in this process: a pass every `everyMs`, at once again while passes find a
 * full batch. Unref'd timers; a failed pass is logged and the next one tries again. Returns a stop,
 * which resolves once the pass under way (if any) has finished: after it, the job touches the
 * database no more, so the caller may close it.
 */
export function startEvaluatorJob(
  db: () => DbOrTx,
  opts: WorkerOptions & { everyMs: number },
): () => Promise<void> {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(tick, ms);
    timer.unref();
  };
  const tick = () => {
    running = runEvaluationPass(db(), opts).then(
      (s) => {
        running = null;
        schedule(s.claimed >= (opts.batchSize ?? opts.concurrency) || s.inbox > 0 ? 0 : opts.everyMs);
      },
      (err) => {
        running = null;
        if (!stopped) console.error('[runledger] evaluator pass failed', err);
        schedule(opts.everyMs);
      },
    );
  };
  schedule(opts.everyMs);
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}
