import 'server-only';
import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { usageIdempotency } from '@/db/schema';
import { PG_UNIQUE_VIOLATION, pgErrorCode, queryRowsPrepared } from '@/db/sql';
import { PgTransaction } from 'drizzle-orm/pg-core';
import type { RecordUsageInput, RecordUsageResult } from '@/lib/contract';
import { notFound } from '../errors';
import { outcomeWindows, quotaExceededError } from './counter-windows';
import { applySql, isRefusal, lockAndApply, parseApply } from './counters';
import { alertRefusal } from './refusal-alert';
import { toWindowDto } from './serialize';

export type RecordOptions = {
  /** The instant the usage is counted at (tests move it; default now). */
  now?: Date;
  /** Record even past a hard limit: for usage that already happened (a run's tokens). */
  force?: boolean;
};

/**
 * Records usage against every quota that applies (the subject's own, else `*`, per window), all or
 * nothing: one transaction that takes the key's lock and runs one conditional statement writing the
 * counters and the ledger row. Over a hard limit: quota_exceeded (429) and nothing is recorded. The same
 * idempotencyKey again returns the first answer, also when the retries race each other.
 */
export async function recordUsage(
  db: DbOrTx,
  projectId: string,
  input: RecordUsageInput,
  opts: RecordOptions = {},
): Promise<RecordUsageResult> {
  const at = opts.now ?? new Date();
  const key = { projectId, subject: input.subject, metric: input.metric };
  const idempotencyKey = input.idempotencyKey ?? null;
  const target = {
    kind: 'ledger' as const,
    runId: input.runId,
    model: input.model,
    idempotencyKey,
    occurredAt: at,
  };
  // Fast path: one autocommit statement that locks, checks and writes (no idempotency answer to store,
  // and not inside a caller's transaction, which its refusal error would abort). A refusal falls
  // through to the locked transaction, which releases expired holds first and explains the 429.
  if (!idempotencyKey && !(db instanceof PgTransaction)) {
    try {
      const outcome = await parseApply(
        queryRowsPrepared(db, applySql(key, input.amount, at, target, opts.force ?? false, true)),
      );
      if (!outcome.runFound) throw notFound('Run');
      // A refusal fails the statement; reaching here without a row would mean half-applied windows.
      if (!outcome.rowId) throw new Error('usage statement refused without failing');
      return { allowed: true, windows: outcomeWindows(outcome, at).map(toWindowDto) };
    } catch (err) {
      if (!isRefusal(err)) throw err;
    }
  }
  try {
    const answer = await db.transaction(async (tx) => {
      const outcome = await lockAndApply(tx, key, input.amount, at, target, opts.force ?? false);
      if (outcome.duplicate) return null;
      if (!outcome.runFound) throw notFound('Run');
      if (!outcome.rowId) throw await quotaExceededError(tx, key, outcome, input.amount, at);
      const result: RecordUsageResult = {
        allowed: true,
        windows: outcomeWindows(outcome, at).map(toWindowDto),
      };
      if (idempotencyKey) {
        await tx
          .update(usageIdempotency)
          .set({ response: result })
          .where(and(eq(usageIdempotency.projectId, projectId), eq(usageIdempotency.key, idempotencyKey)));
      }
      return result;
    });
    return answer ?? (await storedAnswer(db, projectId, idempotencyKey!));
  } catch (err) {
    // A concurrent retry with the same key committed first (its key row won the primary key).
    if (idempotencyKey && pgErrorCode(err) === PG_UNIQUE_VIOLATION) {
      return storedAnswer(db, projectId, idempotencyKey);
    }
    await alertRefusal(db, key, input.amount, err, at);
    throw err;
  }
}

async function storedAnswer(
  db: DbOrTx,
  projectId: string,
  idempotencyKey: string,
): Promise<RecordUsageResult> {
  const [row] = await db
    .select({ response: usageIdempotency.response })
    .from(usageIdempotency)
    .where(and(eq(usageIdempotency.projectId, projectId), eq(usageIdempotency.key, idempotencyKey)));
  if (!row) throw new Error('idempotent usage record vanished');
  return row.response as RecordUsageResult;
}

export type RunUsageInput = {
  runId: string;
  userId: string | null | undefined;
  inputTokens: number;
  outputTokens: number;
  model?: string | null;
  costUsd?: number | null;
  /** Makes a redelivered usage event count once, e.g. `run:<id>:usage:<seq>`. */
  idempotencyKey?: string;
};

/**
 * Counts a run's tokens (metric `tokens`, input + output) and, when given, its cost (metric
 * `cost_micros`) against the run's userId. The work already happened, so this records in full even
 * past a hard limit and never throws quota_exceeded. Without a userId there is no subject: skipped.
 */
export async function recordRunUsage(
  db: DbOrTx,
  projectId: string,
  input: RunUsageInput,
  opts: { now?: Date } = {},
): Promise<{ tokens: RecordUsageResult | null; costMicros: RecordUsageResult | null }> {
  const out = { tokens: null as RecordUsageResult | null, costMicros: null as RecordUsageResult | null };
  if (!input.userId) return out;
  const tokens = Math.max(0, Math.round(input.inputTokens)) + Math.max(0, Math.round(input.outputTokens));
  const common = { subject: input.userId, runId: input.runId, model: input.model ?? undefined };
  const force = { now: opts.now, force: true };
  if (tokens > 0) {
    out.tokens = await recordUsage(
      db,
      projectId,
      {
        ...common,
        metric: 'tokens',
        amount: tokens,
        idempotencyKey: input.idempotencyKey && `${input.idempotencyKey}:tokens`,
      },
      force,
    );
  }
  const micros = Math.round((input.costUsd ?? 0) * 1_000_000);
  if (micros > 0) {
    out.costMicros = await recordUsage(
      db,
      projectId,
      {
        ...common,
        metric: 'cost_micros',
        amount: micros,
        idempotencyKey: input.idempotencyKey && `${input.idempotencyKey}:cost`,
      },
      force,
    );
  }
  return out;
}
