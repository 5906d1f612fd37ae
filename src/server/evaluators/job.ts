import 'server-only';
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { queryRows } from '@/db/sql';
import { claimPerProject, dueProjectsSql } from '@/server/jobs/claims';
import { evaluateJob, preload } from './evaluate';
import type { ClaimedJob, Evaluated, JobOutcome, WorkerOptions } from './job-types';
import { drainInbox } from './queue';
import { writeOutcomes } from './write-outcomes';

export { takeBudget } from './evaluate';
export { defaultWorkerOptions, type JobOutcome, type WorkerOptions } from './job-types';

/**
 * Leases up to `limit` due evaluations (waiting ones, and running ones whose lease ran out), shared
 * fairly across the projects that have some (claimPerProject): per project one statement, FOR UPDATE
 * SKIP LOCKED, so concurrent workers never take the same row; within a project, oldest due first.
 */
export async function claimJobs(
  db: DbOrTx,
  workerId: string,
  now: Date,
  limit: number,
  leaseMs: number,
): Promise<ClaimedJob[]> {
  const at = now.toISOString();
  const until = new Date(now.getTime() + leaseMs).toISOString();
  const rows = await claimPerProject(
    db,
    dueProjectsSql(
      'evaluation_jobs',
      sql`status in ('pending', 'running') and run_after <= ${at}::timestamptz`,
      'run_after',
      limit,
    ),
    limit,
    (projectId, take) =>
      queryRows<ClaimedJob>(
        db,
        sql`with picked as (
              select id from evaluation_jobs
              where project_id = ${projectId}::uuid and status in ('pending', 'running')
                and run_after <= ${at}::timestamptz
              order by run_after, id
              limit ${take}
              for update skip locked
            )
            update evaluation_jobs j
            set status = 'running', attempts = j.attempts + 1, leased_by = ${workerId},
                run_after = ${until}::timestamptz, updated_at = ${at}::timestamptz
            from picked where j.project_id = ${projectId}::uuid and j.id = picked.id
            returning j.id, j.project_id, j.evaluator_id, j.run_id, j.result_id, j.attempts`,
      ),
  );
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}
/** Gives leased evaluations that were not started back to the queue, due now, their attempt uncounted. */
export async function releaseJobs(db: DbOrTx, jobs: ClaimedJob[], opts: WorkerOptions): Promise<void> {
  // One statement per project, naming it (one shard on a distributed database).
  for (const projectId of [...new Set(jobs.map((j) => j.project_id))].sort()) {
    const ids = jobs.filter((j) => j.project_id === projectId).map((j) => j.id);
    await queryRows(
      db,
      sql`update evaluation_jobs set status = 'pending', attempts = attempts - 1, leased_by = null,
          run_after = ${opts.now().toISOString()}::timestamptz
        where project_id = ${projectId}::uuid and id = any(${`{${ids.join(',')}}`}::bigint[])
          and leased_by = ${opts.workerId} and status = 'running'`,
    );
  }
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
