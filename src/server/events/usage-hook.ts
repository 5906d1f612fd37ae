import 'server-only';
import type { DbOrTx } from '@/db/client';

export type AcceptedUsage = {
  projectId: string;
  runId: string;
  /** The run's end user: the default quota subject (null when the run has none). */
  userId: string | null;
  /** The newly stored `usage` events of one append call (duplicates excluded), by seq. */
  events: { seq: number; inputTokens: number; outputTokens: number; model?: string; costUsd?: number }[];
};

/**
 * Called by appendEvents inside its transaction, after the run's token/cost totals were updated, with
 * the `usage` events that call newly stored. The hook point for the usage ledger: record the amounts
 * here (same transaction: a throw rolls the whole append back). Nothing is recorded yet.
 */
export async function onUsageEventsAccepted(_tx: DbOrTx, _usage: AcceptedUsage): Promise<void> {}
