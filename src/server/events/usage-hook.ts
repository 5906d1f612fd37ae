import 'server-only';
import type { DbOrTx } from '@/db/client';
import { recordRunUsage } from '../usage';

export type AcceptedUsage = {
  projectId: string;
  runId: string;
  /** The run's end user: the default quota subject (null when the run has none). */
  userId: string | null;
  /** The newly stored `usage` events of one append call (duplicates excluded), by seq. */
  events: { seq: number; inputTokens: number; outputTokens: number; model?: string; costUsd?: number }[];
};

/**
 * Called by appendEvents inside its transaction with the `usage` events that call newly stored: each
 * counts against the run's userId (tokens, and cost_micros when a cost is given). The work already
 * happened, so it is recorded in full even past a hard limit; the idempotency key per seq keeps a
 * redelivered event from counting twice, and a throw rolls the whole append back.
 */
export async function onUsageEventsAccepted(tx: DbOrTx, usage: AcceptedUsage): Promise<void> {
  for (const e of usage.events) {
    await recordRunUsage(tx, usage.projectId, {
      runId: usage.runId,
      userId: usage.userId,
      inputTokens: e.inputTokens,
      outputTokens: e.outputTokens,
      model: e.model,
      costUsd: e.costUsd,
      idempotencyKey: `run:${usage.runId}:usage:${e.seq}`,
    });
  }
}
