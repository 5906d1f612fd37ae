import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { alertDeliveries, webhookDestinations } from '@/db/schema';
import { queryRows } from '@/db/sql';
import type { DeliveryOptions } from './options';
import type { Claimed } from './queue';

export type DeliveryOutcome = 'delivered' | 'retry' | 'failed' | 'lost';

type Settle = {
  status: 'pending' | 'delivered' | 'failed';
  nextAttemptAt: Date;
  statusCode: number | null;
  durationMs: number | null;
  error: string | null;
};

/** Writes an attempt's outcome if this worker still holds the lease; false when it lost it. */
export async function settle(db: DbOrTx, d: Claimed, opts: DeliveryOptions, s: Settle): Promise<boolean> {
  const now = opts.now();
  const rows = await db
    .update(alertDeliveries)
    .set({
      status: s.status,
      nextAttemptAt: s.nextAttemptAt,
      leasedBy: null,
      lastAttemptAt: now,
      lastStatusCode: s.statusCode,
      lastDurationMs: s.durationMs,
      lastError: s.error,
      deliveredAt: s.status === 'delivered' ? now : null,
      updatedAt: now,
    })
    .where(
      and(
        eq(alertDeliveries.projectId, d.project_id),
        eq(alertDeliveries.id, d.id),
        eq(alertDeliveries.leasedBy, opts.workerId),
        eq(alertDeliveries.status, 'sending'),
      ),
    )
    .returning({ id: alertDeliveries.id });
  return rows.length > 0;
}

type Answer = { statusCode: number | null; durationMs: number | null; error: string | null };

/**
 * Records 2xx answers in batches (what `settle` does for one): the first waits for nobody, and the
 * answers that arrive while a statement runs go together in the next, one UPDATE per project for many deliveries.
 * Each resolves to whether this worker still held its lease.
 */
export function deliveredBatcher(db: DbOrTx, opts: DeliveryOptions) {
  type Item = { d: Claimed; r: Answer; resolve: (held: boolean) => void; reject: (err: unknown) => void };
  let queue: Item[] = [];
  let running = false;
  async function drain() {
    running = true;
    while (queue.length > 0) {
      const items = queue;
      queue = [];
      try {
        const now = sql`${opts.now().toISOString()}::timestamptz`;
        // One statement per project, naming it (one shard on a distributed database), pipelined.
        const projects = [...new Set(items.map((i) => i.d.project_id))].sort();
        const updated = await Promise.all(
          projects.map((projectId) => {
            const values = sql.join(
              items
                .filter((i) => i.d.project_id === projectId)
                .map(
                  (i) =>
                    sql`(${i.d.id}::bigint, ${i.r.statusCode}::int, ${i.r.durationMs}::int, ${i.r.error}::text)`,
                ),
              sql`, `,
            );
            return queryRows<{ id: number | string }>(
              db,
              sql`update alert_deliveries d set status = 'delivered', next_attempt_at = ${now}, leased_by = null,
                    last_attempt_at = ${now}, last_status_code = v.code, last_duration_ms = v.ms, last_error = v.err,
                    delivered_at = ${now}, updated_at = ${now}
                  from (values ${values}) as v(id, code, ms, err)
                  where d.project_id = ${projectId}::uuid and d.id = v.id and d.leased_by = ${opts.workerId}
                    and d.status = 'sending'
                  returning d.id`,
            );
          }),
        );
        const held = new Set(updated.flat().map((r) => Number(r.id)));
        for (const i of items) i.resolve(held.has(i.d.id));
      } catch (err) {
        for (const i of items) i.reject(err);
      }
    }
    running = false;
  }
  return {
    add(d: Claimed, r: Answer): Promise<boolean> {
      return new Promise((resolve, reject) => {
        queue.push({ d, r, resolve, reject });
        if (!running) void drain();
      });
    },
  };
}

export const asDate = (v: string | Date) => (v instanceof Date ? v : new Date(v));

/**
 * A failed attempt: retried after the backoff while the delivery is younger than a day; a destination
 * that has failed for a day (no 2xx since) is disabled and its waiting deliveries given up.
 */
export async function failed(
  db: DbOrTx,
  d: Claimed,
  opts: DeliveryOptions,
  result: { statusCode: number | null; durationMs: number | null; error: string | null },
): Promise<DeliveryOutcome> {
  const now = opts.now();
  const failingSince = d.failing_since ? asDate(d.failing_since) : now;
  if (!d.failing_since)
    await db
      .update(webhookDestinations)
      .set({ failingSince: now })
      .where(
        and(
          eq(webhookDestinations.projectId, d.project_id),
          eq(webhookDestinations.id, d.destination_id),
          sql`${webhookDestinations.failingSince} is null`,
        ),
      );
  const created = asDate(d.created_at).getTime();
  const tooOld = now.getTime() - created >= opts.giveUpMs;
  // A delivery a day old whose destination has not answered 2xx since its first attempt (which
  // follows its fan-out within a lease): the destination has failed for a day too.
  const dayOfFailures =
    now.getTime() - failingSince.getTime() >= opts.giveUpMs ||
    (tooOld && failingSince.getTime() - created <= opts.leaseMs);
  if (dayOfFailures) {
    await db.transaction(async (tx) => {
      await tx
        .update(webhookDestinations)
        .set({ disabledAt: now, updatedAt: now })
        .where(
          and(
            eq(webhookDestinations.projectId, d.project_id),
            eq(webhookDestinations.id, d.destination_id),
            sql`${webhookDestinations.disabledAt} is null`,
          ),
        );
      await tx
        .update(alertDeliveries)
        .set({
          status: 'failed',
          lastError: 'The destination was disabled after a day of failures',
          updatedAt: now,
        })
        .where(
          and(
            eq(alertDeliveries.projectId, d.project_id),
            eq(alertDeliveries.destinationId, d.destination_id),
            eq(alertDeliveries.status, 'pending'),
          ),
        );
    });
  }
  if (dayOfFailures || tooOld) {
    return (await settle(db, d, opts, { status: 'failed', nextAttemptAt: now, ...result }))
      ? 'failed'
      : 'lost';
  }
  const delay = Math.min(opts.maxBackoffMs, opts.backoffMs * 2 ** (d.attempts - 1));
  const nextAttemptAt = new Date(now.getTime() + delay);
  return (await settle(db, d, opts, { status: 'pending', nextAttemptAt, ...result })) ? 'retry' : 'lost';
}
