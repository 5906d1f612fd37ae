import 'server-only';
import type { Evaluator } from '@/db/schema';
import type { EvaluationStatus } from '@/lib/enums';
import type { Verdict } from './code';

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

export type ClaimedJob = {
  id: number;
  project_id: string;
  evaluator_id: string;
  run_id: string;
  result_id: string | null;
  attempts: number;
};

export type Settle = { status: Exclude<EvaluationStatus, 'running'>; error?: string | null; runAfter?: Date };

/** An evaluation run to its end, not yet written: a score to store, or an outcome to record. */
export type Evaluated = { job: ClaimedJob } & (
  | { kind: 'score'; evaluator: Evaluator; verdict: Extract<Verdict, { kind: 'score' }> }
  | { kind: 'settle'; settle: Settle; outcome: Exclude<JobOutcome, 'done' | 'lost'> }
);

export type JobOutcome = 'done' | 'retry' | 'failed' | 'skipped' | 'lost';
