import 'server-only';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { DbOrTx } from '@/db/client';
import { defaultWorkerOptions, startEvaluatorJob } from './job';

const globalForEvaluators = globalThis as unknown as { __runledgerEvaluators?: () => Promise<void> };

/**
 * Starts this process's evaluator worker once (a second start, e.g. from another bundle of this
 * module, is a no-op). Several processes on one database share the work through leases.
 */
export function startEvaluators(db: () => DbOrTx, concurrency: number): void {
  if (concurrency <= 0 || globalForEvaluators.__runledgerEvaluators) return;
  globalForEvaluators.__runledgerEvaluators = startEvaluatorJob(db, {
    ...defaultWorkerOptions,
    concurrency,
    workerId: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    now: () => new Date(),
    everyMs: 1_000,
  });
}

/**
 * Stops this process's evaluator worker and waits for its pass under way: called before the database
 * closes at shutdown, so no pass runs into a closed connection.
 */
export async function stopEvaluators(): Promise<void> {
  const stop = globalForEvaluators.__runledgerEvaluators;
  globalForEvaluators.__runledgerEvaluators = undefined;
  await stop?.();
}
