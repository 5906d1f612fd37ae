import 'server-only';
import { and, eq, lte, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { type UsageReservation, usageReservations } from '@/db/schema';
import { PG_UNIQUE_VIOLATION, pgErrorCode, queryRows } from '@/db/sql';
import type { CreateReservationInput, ReservationDto, ReservationResult } from '@/lib/contract';
import { AppError, notFound } from '../errors';
import { currentWindows, outcomeWindows, quotaExceededError } from './counter-windows';
import { adjustHoldSql, applySql, lockAndApply, lockKey, parseApply, type UsageKey } from './counters';
import { alertRefusal } from './refusal-alert';
import { LEDGER_RETURNING, ledgerRollupsSql } from './rollups';
import { toReservationDto, toWindowDto } from './serialize';

export type { ReservationResult };

/**
 * Holds `amount` against every quota window of the subject and metric at once (the same all-or-nothing
 * step as recordUsage, so a hold never overspends a hard limit): 429 or the reservation. The held
 * amount stays in the counters until the reservation is committed, released or expires. The same
 * idempotencyKey again returns the stored reservation (with the windows as they are now).
 */
export async function createReservation(
  db: DbOrTx,
  projectId: string,
  input: CreateReservationInput,
  opts: { now?: Date } = {},
): Promise<ReservationResult & { created: boolean }> {
  const at = opts.now ?? new Date();
  const key = { projectId, subject: input.subject, metric: input.metric };
  const idempotencyKey = input.idempotencyKey ?? null;
  const expiresAt = new Date(at.getTime() + (input.ttlSeconds ?? 600) * 1000);
  try {
    const created = await db.transaction(async (tx) => {
      const outcome = await lockAndApply(tx, key, input.amount, at, {
        kind: 'reservation',
        runId: input.runId,
        idempotencyKey,
        createdAt: at,
        expiresAt,
      });
      if (outcome.duplicate) return null;
      if (!outcome.runFound) throw notFound('Run');
      if (!outcome.rowId) throw await quotaExceededError(tx, key, outcome, input.amount, at);
      const reservation: ReservationDto = {
        id: outcome.rowId,
        subject: input.subject,
        metric: input.metric,
        amount: input.amount,
        status: 'held',
        committedAmount: null,
        runId: input.runId ?? null,
        expiresAt: expiresAt.toISOString(),
        createdAt: at.toISOString(),
        settledAt: null,
      };
      return { reservation, windows: outcomeWindows(outcome, at).map(toWindowDto), created: true };
    });
    return created ?? (await storedReservation(db, key, idempotencyKey!, at));
  } catch (err) {
    if (idempotencyKey && pgErrorCode(err) === PG_UNIQUE_VIOLATION) {
      return storedReservation(db, key, idempotencyKey, at);
    }
    await alertRefusal(db, key, input.amount, err, at);
    throw err;
  }
}

async function storedReservation(
  db: DbOrTx,
  key: UsageKey,
  idempotencyKey: string,
  at: Date,
): Promise<ReservationResult & { created: boolean }> {
  const [row] = await db
    .select()
    .from(usageReservations)
    .where(
      and(
        eq(usageReservations.projectId, key.projectId),
        eq(usageReservations.idempotencyKey, idempotencyKey),
      ),
    );
  if (!row) throw new Error('idempotent reservation vanished');
  const rowKey = { projectId: key.projectId, subject: row.subject, metric: row.metric };
  const windows = await currentWindows(db, rowKey, at);
  return { reservation: toReservationDto(row), windows: windows.map(toWindowDto), created: false };
}

export async function getReservation(db: DbOrTx, projectId: string, id: string): Promise<ReservationDto> {
  return toReservationDto(await findReservation(db, projectId, id));
}

async function findReservation(db: DbOrTx, projectId: string, id: string): Promise<UsageReservation> {
  const [row] = await db
    .select()
    .from(usageReservations)
    .where(and(eq(usageReservations.id, id), eq(usageReservations.projectId, projectId)));
  if (!row) throw notFound('Reservation');
  return row;
}

/**
 * Settles a reservation in one transaction under its key's lock (so it cannot race an expiry or a
 * second settle). In time: the actual amount goes to the ledger at the reservation's instant and the
 * held windows move by (actual - held): the unused rest is released, and an actual amount above the
 * hold is counted in full even past a limit (the work happened; `overrunBy` says by how much).
 * Late (past expiresAt, whether or not a sweep already released the hold): the hold no longer exists,
 * so the actual amount is recorded as usage now, never refused, and `late` is true. Losing metered work
 * would be worse than a late count, and a 409 would leave the caller nothing to do with it.
 * Committed or released before: 409.
 */
export async function commitReservation(
  db: DbOrTx,
  projectId: string,
  id: string,
  input: { amount: number },
  opts: { now?: Date } = {},
): Promise<ReservationResult & { overrunBy: number; late: boolean }> {
  const at = opts.now ?? new Date();
  const found = await findReservation(db, projectId, id);
  const key = { projectId, subject: found.subject, metric: found.metric };
  return db.transaction(async (tx) => {
    await lockKey(tx, key, at);
    const r = await lockedReservation(tx, projectId, id);
    const late = r.status === 'expired';
    if (late) {
      if (input.amount > 0) {
        const outcome = await parseApply(
          queryRows(
            tx,
            applySql(key, input.amount, at, { kind: 'ledger', runId: r.runId, occurredAt: at }, true),
          ),
        );
        if (!outcome.rowId) throw new Error('forced usage record refused');
      }
    } else {
      const ops: Promise<unknown>[] = [queryRows(tx, adjustHoldSql(key, r.windows, input.amount - r.amount))];
      if (input.amount > 0) {
        ops.push(
          queryRows(
            tx,
            sql`with ins as (
                  insert into usage_events (project_id, subject, metric, amount, run_id, occurred_at)
                  values (${projectId}::uuid, ${r.subject}, ${r.metric}, ${input.amount}::bigint,
                          ${r.runId}::uuid, ${r.createdAt.toISOString()}::timestamptz)
                  returning ${LEDGER_RETURNING}
                ), ${ledgerRollupsSql(projectId, 'ins')}
                select count(*)::int as n from ins`,
          ),
        );
      }
      await Promise.all(ops);
    }
    const [settled] = await tx
      .update(usageReservations)
      .set({ status: 'committed', committedAmount: input.amount, settledAt: at })
      .where(and(eq(usageReservations.projectId, projectId), eq(usageReservations.id, id)))
      .returning();
    const windows = await currentWindows(tx, key, at);
    return {
      reservation: toReservationDto(settled!),
      windows: windows.map(toWindowDto),
      overrunBy: Math.max(0, input.amount - r.amount),
      late,
    };
  });
}

/** Cancels a held reservation: its amount leaves the counters. An expired one is answered as it is. */
export async function releaseReservation(
  db: DbOrTx,
  projectId: string,
  id: string,
  opts: { now?: Date } = {},
): Promise<ReservationResult> {
  const at = opts.now ?? new Date();
  const found = await findReservation(db, projectId, id);
  const key = { projectId, subject: found.subject, metric: found.metric };
  return db.transaction(async (tx) => {
    await lockKey(tx, key, at);
    let r = await lockedReservation(tx, projectId, id);
    if (r.status === 'held') {
      const [, updated] = await Promise.all([
        queryRows(tx, adjustHoldSql(key, r.windows, -r.amount)),
        tx
          .update(usageReservations)
          .set({ status: 'released', settledAt: at })
          .where(and(eq(usageReservations.projectId, projectId), eq(usageReservations.id, id)))
          .returning(),
      ]);
      r = updated[0]!;
    }
    const windows = await currentWindows(tx, key, at);
    return { reservation: toReservationDto(r), windows: windows.map(toWindowDto) };
  });
}

/** The reservation locked for settling; 409 when it was already committed or released. */
async function lockedReservation(tx: DbOrTx, projectId: string, id: string): Promise<UsageReservation> {
  const [r] = await tx
    .select()
    .from(usageReservations)
    .where(and(eq(usageReservations.id, id), eq(usageReservations.projectId, projectId)))
    .for('update');
  if (!r) throw notFound('Reservation');
  if (r.status === 'committed' || r.status === 'released') {
    throw new AppError('conflict', `Reservation already ${r.status}`, { status: r.status });
  }
  return r;
}

/**
 * Releases the capacity of every held reservation past its expiresAt (of one project, or all), one
 * key at a time under its lock. recordUsage, createReservation and getUsage also do this lazily for
 * their own key; this is for a periodic job. Returns how many reservations expired.
 */
export async function sweepExpiredReservations(
  db: DbOrTx,
  projectId?: string,
  opts: { now?: Date } = {},
): Promise<number> {
  const at = opts.now ?? new Date();
  const where = [eq(usageReservations.status, 'held'), lte(usageReservations.expiresAt, at)];
  if (projectId) where.push(eq(usageReservations.projectId, projectId));
  const keys = await db
    .selectDistinct({
      projectId: usageReservations.projectId,
      subject: usageReservations.subject,
      metric: usageReservations.metric,
    })
    .from(usageReservations)
    .where(and(...where));
  let expired = 0;
  for (const key of keys) {
    expired += await db.transaction((tx) => lockKey(tx, key, at));
  }
  return expired;
}
