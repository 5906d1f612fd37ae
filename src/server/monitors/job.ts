import 'server-only';
import type { DbOrTx } from '@/db/client';
import { leaseOptions, startPeriodicJob } from '../jobs';
import { evaluateMonitors } from './evaluate';

const slot = globalThis as unknown as { __runledgerMonitors?: () => void };

/**
 * Evaluates every project's monitors every `everyMs`, once across the processes on the database (the
 * `monitors` lease). Each process looks five times a period, so a pass starts at most a fifth late.
 */
export function startMonitorJob(db: () => DbOrTx, everyMs: number): void {
  if (everyMs <= 0 || slot.__runledgerMonitors) return;
  const checkEveryMs = Math.max(100, Math.floor(everyMs / 5));
  slot.__runledgerMonitors = startPeriodicJob(
    db,
    'monitors',
    { ...leaseOptions(), checkEveryMs, firstAfterMs: checkEveryMs, everyMs },
    async () => {
      await evaluateMonitors(db(), { now: new Date() });
    },
  );
}

export function stopMonitorJob(): void {
  slot.__runledgerMonitors?.();
  slot.__runledgerMonitors = undefined;
}
