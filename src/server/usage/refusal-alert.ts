import 'server-only';
import type { DbOrTx } from '@/db/client';
import type { UsageWindowDto } from '@/lib/contract';
import { PgTransaction } from 'drizzle-orm/pg-core';
import { raiseRefusals } from '../alerts/outbox';
import { AppError } from '../errors';
import type { UsageKey } from './counters';
import { windowsAt } from './windows';

/**
 * After a hard quota refused an amount (the transaction rolled back): raises its alert event once per
 * quota, subject and window. Inside a caller's transaction nothing is raised, since that transaction
 * is about to roll back too. An alert that cannot be written never hides the 429.
 */
export async function alertRefusal(db: DbOrTx, key: UsageKey, amount: number, err: unknown, at: Date) {
  if (!(err instanceof AppError) || err.code !== 'quota_exceeded' || db instanceof PgTransaction) return;
  const details = err.details as { windows?: UsageWindowDto[]; blockedBy?: string[] } | undefined;
  const starts = new Map(windowsAt(at).map((w) => [w.window as string, w.start]));
  const blocked = (details?.windows ?? []).filter((w) => w.quotaId && details?.blockedBy?.includes(w.window));
  try {
    await raiseRefusals(
      db,
      key,
      amount,
      blocked.map((w) => ({
        quotaId: w.quotaId!,
        quotaSubject: w.subject ?? key.subject,
        window: w.window,
        windowStart: starts.get(w.window)!,
        limit: w.limit,
        used: w.used,
      })),
      at,
    );
  } catch (alertErr) {
    console.error('[runledger] could not raise a quota refusal alert', alertErr);
  }
}
