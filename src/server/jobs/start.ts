import 'server-only';
import type { DbOrTx } from '@/db/client';
import { ensureAllMonthPartitions, PARTITION_CHECK_MS } from '../partitions/months';
import { resumeRecomputeJob, unfinishedRecomputeJobs } from '../prices/recompute';
import { resumeCheckpoints } from '@/features/replay/server/schedule';
import { runRetentionOnce } from '../retention/job';
import type { LeaseOptions } from './leases';
import { startPeriodicJob, startUnitSweeper } from './periodic';

export type JobSettings = {
  lease: LeaseOptions;
  /** How often each process looks for work: a due retention pass, a stopped recompute or fold. */
  checkEveryMs: number;
  /** The first look, after start. */
  firstAfterMs: number;
  /** Between retention passes; 0: no retention job. */
  retentionEveryMs: number;
  retentionPauseMs?: number;
  /** Hours without an event before retention marks a running run abandoned; 0: never. */
  abandonAfterHours?: number;
  /** Rows per retention batch (default the purge's own). */
  retentionBatchSize?: number;
  /** Between checks of the months ahead of run_events and usage_events (default PARTITION_CHECK_MS); 0: no such job. */
  partitionsEveryMs?: number;
  /** Told each unit of work this process finished (`retention`, `recompute:<id>`, ...). */
  onDone?: (name: string) => void;
};

/**
 * The background work of a server process, shared with every other process on the database through
 * leases (job_leases): the retention pass and the check of the partitioned tables' months ahead (each once per
 * period, on the lease clock), and the resumption of price recomputes and replay checkpoint folds
 * whose process stopped. The evaluator job leases its queue's rows itself
 * (FOR UPDATE SKIP LOCKED, src/server/evaluators/job.ts). Returns a stop.
 */
export function startJobs(db: () => DbOrTx, s: JobSettings): () => void {
  const loop = { ...s.lease, checkEveryMs: s.checkEveryMs, firstAfterMs: s.firstAfterMs, onDone: s.onDone };
  const stops = [
    startUnitSweeper(db, 'recompute', { ...loop, pending: () => unfinishedRecomputeJobs(db()) }, (id, held) =>
      resumeRecomputeJob(db(), id, held.signal),
    ),
    startUnitSweeper(db, 'checkpoints', loop, (runId) => resumeCheckpoints(db(), runId)),
  ];
  const partitionsEveryMs = s.partitionsEveryMs ?? PARTITION_CHECK_MS;
  if (partitionsEveryMs > 0) {
    stops.push(
      startPeriodicJob(db, 'partitions', { ...loop, everyMs: partitionsEveryMs }, async () => {
        const made = await ensureAllMonthPartitions(db(), s.lease.now());
        if (made.length) console.log(`[runledger] made partitions ${made.join(', ')}`);
      }),
    );
  }
  if (s.retentionEveryMs > 0) {
    stops.push(
      startPeriodicJob(db, 'retention', { ...loop, everyMs: s.retentionEveryMs }, async () => {
        await runRetentionOnce(db(), {
          pauseMs: s.retentionPauseMs,
          batchSize: s.retentionBatchSize,
          abandonAfterHours: s.abandonAfterHours,
        });
      }),
    );
  }
  return () => {
    for (const stop of stops) stop();
  };
}
