import 'server-only';
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { queryRowsPrepared } from '@/db/sql';
import { counterLocksSql, forcedLedgerBatchSql, usageRows } from '../usage';

/** A newly stored `usage` event of one append call with the cost priced for it (client's or the table's). */
export type PricedUsage = {
  seq: number;
  inputTokens: number;
  outputTokens: number;
  model?: string | null;
  costUsd?: number | null;
};

export type AcceptedUsage = {
  projectId: string;
  runId: string;
  /** The run's end user: the default quota subject (null when the run has none). */
  userId: string | null;
  /** The newly stored `usage` events of one append call (duplicates excluded). */
  events: PricedUsage[];
};

type LedgerRow = {
  subject: string;
  metric: string;
  run_id: string;
  amount: number;
  model: string | null;
  idempotency_key: string;
};

/** The ledger rows of accepted usage events: tokens (input + output) and cost_micros per event, as recordRunUsage counted them. */
export function usageLedgerRows(usage: AcceptedUsage): LedgerRow[] {
  if (!usage.userId) return [];
  const rows: LedgerRow[] = [];
  for (const e of usage.events) {
    const key = `run:${usage.runId}:usage:${e.seq}`;
    const common = { subject: usage.userId, run_id: usage.runId, model: e.model ?? null };
    const tokens = Math.max(0, Math.round(e.inputTokens)) + Math.max(0, Math.round(e.outputTokens));
    if (tokens > 0)
      rows.push({ ...common, metric: 'tokens', amount: tokens, idempotency_key: `${key}:tokens` });
    const micros = Math.round((e.costUsd ?? 0) * 1_000_000);
    if (micros > 0)
      rows.push({ ...common, metric: 'cost_micros', amount: micros, idempotency_key: `${key}:cost` });
  }
  return rows;
}

/**
 * Called by appendEvents inside its transaction with the `usage` events that call newly stored: each
 * counts against the run's userId (tokens, and cost_micros when it has a cost). The work already
 * happened, so it is recorded in full even past a hard limit; the idempotency key per seq keeps a
 * redelivered event from counting twice, and a throw rolls the whole append back. One pipelined round
 * trip whatever the number of events: the keys' counter locks (in key order), then one ledger statement
 * for every row and counter window.
 */
export async function onUsageEventsAccepted(tx: DbOrTx, usage: AcceptedUsage): Promise<void> {
  const rows = usageLedgerRows(usage);
  if (rows.length === 0) return;
  const json = JSON.stringify(rows);
  const rowsRelation = usageRows(
    sql`
      select * from jsonb_to_recordset(${json}::jsonb)
        as x(subject text, metric text, run_id uuid, amount bigint, model text, idempotency_key text)
    `,
  );
  await Promise.all([
    queryRowsPrepared(
      tx,
      counterLocksSql(
        usage.projectId,
        sql`with ${rowsRelation.definition} select subject, metric from ${rowsRelation.name}`,
      ),
    ),
    queryRowsPrepared(tx, forcedLedgerBatchSql(usage.projectId, new Date(), rowsRelation)),
  ]);
}
