import 'server-only';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { DbOrTx } from '@/db/client';
import { defaultDeliveryOptions, startDeliveryJob } from './delivery';

const globalForWebhooks = globalThis as unknown as { __runledgerWebhooks?: () => Promise<void> };

/**
 * Starts this process's webhook delivery job once (a second start is a no-op). Several processes on
 * one database share the deliveries through row leases.
 */
export function startWebhooks(db: () => DbOrTx, concurrency: number): void {
  if (concurrency <= 0 || globalForWebhooks.__runledgerWebhooks) return;
  globalForWebhooks.__runledgerWebhooks = startDeliveryJob(db, {
    ...defaultDeliveryOptions,
    concurrency,
    workerId: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    now: () => new Date(),
    everyMs: 1_000,
  });
}

/** Stops the job, waiting for the pass under way (shutdown). */
export async function stopWebhooks(): Promise<void> {
  const stop = globalForWebhooks.__runledgerWebhooks;
  globalForWebhooks.__runledgerWebhooks = undefined;
  await stop?.();
}
