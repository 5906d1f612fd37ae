import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { alertDeliveries, webhookDestinations } from '@/db/schema';
import { queryRows } from '@/db/sql';
import type { AlertEventType, DestinationFormat } from '@/lib/enums';
import { decryptSecret } from '../evaluators/secrets';
import { AddressRefused, resolvePublic } from './address';
import { deliveryBody } from './message';
import { postJson } from './post';
import { signatureHeaders } from './signing';

export type DeliveryOptions = {
  /** Names this worker on the leases it takes (unique per process). */
  workerId: string;
  /** The clock: leases, backoff and the day of failures are read from it (tests move it). */
  now: () => Date;
  /** Deliveries sent at once. */
  concurrency: number;
  /** How long a lease lasts; a delivery whose worker died is taken again after it. */
  leaseMs: number;
  /** How long a receiver may take to answer. */
  timeoutMs: number;
  /** The first retry's delay; each next one doubles it, up to maxBackoffMs. */
  backoffMs: number;
  maxBackoffMs: number;
  /** A delivery (and a destination) failing for this long is given up (disabled). */
  giveUpMs: number;
};

export const defaultDeliveryOptions = {
  concurrency: 8,
  leaseMs: 30_000,
  timeoutMs: 10_000,
  backoffMs: 5_000,
  maxBackoffMs: 3_600_000,
  giveUpMs: 24 * 3_600_000,
} satisfies Partial<DeliveryOptions>;

/**
 * Fans events out to the destinations of their project: each undispatched event gets one delivery per
 * enabled destination and is marked dispatched, in one statement. Events another worker is fanning
 * out are skipped (SKIP LOCKED). Fanning out here rather than at enqueue keeps the outbox write (on
 * the quota path) a single insert that never reads the destinations.
 */
export async function fanOut(db: DbOrTx, now: Date, limit = 500): Promise<number> {
  const at = now.toISOString();
  const [row] = await queryRows<{ events: number }>(
    db,
    sql`with picked as (
          select id, project_id from alert_events where dispatched_at is null
          order by created_at limit ${limit} for update skip locked
        ), ins as (
          insert into alert_deliveries (project_id, event_id, destination_id, next_attempt_at, created_at, updated_at)
          select p.project_id, p.id, d.id, ${at}::timestamptz, ${at}::timestamptz, ${at}::timestamptz
          from picked p join webhook_destinations d on d.project_id = p.project_id and d.disabled_at is null
          on conflict (event_id, destination_id, project_id) do nothing
        ), done as (
          update alert_events e set dispatched_at = ${at}::timestamptz from picked where e.id = picked.id
          returning 1
        )
        select count(*)::int as events from done`,
  );
  return row?.events ?? 0;
}

type Claimed = {
  id: number;
  attempts: number;
  created_at: string | Date;
  event_id: string;
  type: AlertEventType;
  data: Record<string, unknown> | string;
  event_created_at: string | Date;
  destination_id: string;
  url: string;
  format: DestinationFormat;
  secret_cipher: string;
  disabled_at: string | Date | null;
  failing_since: string | Date | null;
  slug: string;
};

/**
 * Leases up to `limit` due deliveries (waiting ones, and sending ones whose lease ran out) in one
 * statement, FOR UPDATE SKIP LOCKED: concurrent workers never take the same row, so each attempt is
 * sent once. Returns them with their event and destination.
 */
export async function claimDeliveries(
  db: DbOrTx,
  workerId: string,
  now: Date,
  limit: number,
  leaseMs: number,
): Promise<Claimed[]> {
  const rows = await queryRows<Claimed>(
    db,
    sql`with picked as (
          select id from alert_deliveries
          where status in ('pending', 'sending') and next_attempt_at <= ${now.toISOString()}::timestamptz
          order by next_attempt_at, id limit ${limit}
          for update skip locked
        ), leased as (
          update alert_deliveries d
          set status = 'sending', attempts = d.attempts + 1, leased_by = ${workerId},
              next_attempt_at = ${new Date(now.getTime() + leaseMs).toISOString()}::timestamptz,
              updated_at = ${now.toISOString()}::timestamptz
          from picked where d.id = picked.id
          returning d.id, d.attempts, d.created_at, d.event_id, d.destination_id
        )
        select l.id, l.attempts, l.created_at, l.event_id, e.type, e.data, e.created_at as event_created_at,
          l.destination_id, w.url, w.format, w.secret_cipher, w.disabled_at, w.failing_since, p.slug
        from leased l
        join alert_events e on e.id = l.event_id
        join webhook_destinations w on w.id = l.destination_id
        join projects p on p.id = w.project_id`,
  );
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}

export type DeliveryOutcome = 'delivered' | 'retry' | 'failed' | 'lost';

type Settle = {
  status: 'pending' | 'delivered' | 'failed';
  nextAttemptAt: Date;
  statusCode: number | null;
  durationMs: number | null;
  error: string | null;
};

/** Writes an attempt's outcome if this worker still holds the lease; false when it lost it. */
async function settle(db: DbOrTx, d: Claimed, opts: DeliveryOptions, s: Settle): Promise<boolean> {
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
 * answers that arrive while a statement runs go together in the next, one UPDATE for many deliveries.
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
        const values = sql.join(
          items.map(
            (i) =>
              sql`(${i.d.id}::bigint, ${i.r.statusCode}::int, ${i.r.durationMs}::int, ${i.r.error}::text)`,
          ),
          sql`, `,
        );
        const rows = await queryRows<{ id: number | string }>(
          db,
          sql`update alert_deliveries d set status = 'delivered', next_attempt_at = ${now}, leased_by = null,
                last_attempt_at = ${now}, last_status_code = v.code, last_duration_ms = v.ms, last_error = v.err,
                delivered_at = ${now}, updated_at = ${now}
              from (values ${values}) as v(id, code, ms, err)
              where d.id = v.id and d.leased_by = ${opts.workerId} and d.status = 'sending'
              returning d.id`,
        );
        const held = new Set(rows.map((r) => Number(r.id)));
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

const asDate = (v: string | Date) => (v instanceof Date ? v : new Date(v));

/**
 * A failed attempt: retried after the backoff while the delivery is younger than a day; a destination
 * that has failed for a day (no 2xx since) is disabled and its waiting deliveries given up.
 */
async function failed(
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
        and(eq(webhookDestinations.id, d.destination_id), sql`${webhookDestinations.failingSince} is null`),
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
          and(eq(webhookDestinations.id, d.destination_id), sql`${webhookDestinations.disabledAt} is null`),
        );
      await tx
        .update(alertDeliveries)
        .set({
          status: 'failed',
          lastError: 'The destination was disabled after a day of failures',
          updatedAt: now,
        })
        .where(
          and(eq(alertDeliveries.destinationId, d.destination_id), eq(alertDeliveries.status, 'pending')),
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

/** Sends one leased delivery and records the outcome; never throws. */
export async function sendDelivery(
  db: DbOrTx,
  d: Claimed,
  opts: DeliveryOptions,
  secrets: Map<string, Promise<string>> = new Map(),
  delivered?: ReturnType<typeof deliveredBatcher>,
): Promise<DeliveryOutcome> {
  try {
    if (d.disabled_at) {
      const error = 'The destination is disabled';
      const s = {
        status: 'failed' as const,
        nextAttemptAt: opts.now(),
        statusCode: null,
        durationMs: null,
        error,
      };
      return (await settle(db, d, opts, s)) ? 'failed' : 'lost';
    }
    const url = new URL(d.url);
    let to: Awaited<ReturnType<typeof resolvePublic>>;
    try {
      to = await resolvePublic(url);
    } catch (err) {
      const error = err instanceof AddressRefused ? err.message : `${url.hostname} does not resolve`;
      return await failed(db, d, opts, { statusCode: null, durationMs: null, error });
    }
    const data = typeof d.data === 'string' ? JSON.parse(d.data) : d.data;
    const body = deliveryBody(d.format, {
      type: d.type,
      data,
      createdAt: asDate(d.event_created_at),
      projectSlug: d.slug,
    });
    // Once per destination and pass (a batch is mostly one destination's backlog).
    let secret = secrets.get(d.destination_id);
    if (!secret) {
      secret = decryptSecret(db, d.secret_cipher, d.destination_id);
      secrets.set(d.destination_id, secret);
    }
    const headers = signatureHeaders(await secret, d.event_id, new Date(), body);
    // Signed at the wall clock, not the job's: receivers check the timestamp against theirs.
    const res = await postJson(url, to, headers, body, opts.timeoutMs);
    const result = { statusCode: res.status, durationMs: res.durationMs, error: res.error };
    if (res.status !== null && res.status >= 200 && res.status < 300) {
      const ok = delivered
        ? await delivered.add(d, result)
        : await settle(db, d, opts, { status: 'delivered', nextAttemptAt: opts.now(), ...result });
      if (ok && d.failing_since)
        await db
          .update(webhookDestinations)
          .set({ failingSince: null })
          .where(eq(webhookDestinations.id, d.destination_id));
      return ok ? 'delivered' : 'lost';
    }
    return await failed(db, d, opts, {
      ...result,
      error: result.error ?? (res.status !== null ? `HTTP ${res.status}` : 'No answer'),
    });
  } catch (err) {
    // The database is gone: the lease runs out and another attempt takes the delivery.
    console.error('[runledger] webhook delivery: could not send or record an attempt', err);
    return 'lost';
  }
}

export type DeliveryPass = { dispatched: number; claimed: number; outcomes: Record<DeliveryOutcome, number> };

/** One pass: new events fanned out, then up to `concurrency` due deliveries sent at once. */
export async function runDeliveryPass(db: DbOrTx, opts: DeliveryOptions): Promise<DeliveryPass> {
  const dispatched = await fanOut(db, opts.now());
  const claimed = await claimDeliveries(db, opts.workerId, opts.now(), opts.concurrency, opts.leaseMs);
  const outcomes: Record<DeliveryOutcome, number> = { delivered: 0, retry: 0, failed: 0, lost: 0 };
  const secrets = new Map<string, Promise<string>>();
  const delivered = deliveredBatcher(db, opts);
  for (const o of await Promise.all(claimed.map((d) => sendDelivery(db, d, opts, secrets, delivered))))
    outcomes[o]++;
  return { dispatched, claimed: claimed.length, outcomes };
}

/** How long events and their delivery log are kept. */
export const EVENT_KEEP_MS = 30 * 24 * 3_600_000;

/**
 * Deletes events (with their deliveries) raised more than EVENT_KEEP_MS before `now`, in batches;
 * a delivery still retrying is a day old at most, so nothing waiting is removed. Returns how many.
 */
export async function pruneAlertEvents(db: DbOrTx, now: Date, batch = 5_000): Promise<number> {
  const cutoff = new Date(now.getTime() - EVENT_KEEP_MS).toISOString();
  let total = 0;
  for (;;) {
    const [row] = await queryRows<{ n: number }>(
      db,
      sql`with d as (delete from alert_events where id in (
            select id from alert_events where created_at < ${cutoff}::timestamptz order by created_at limit ${batch}
          ) returning 1) select count(*)::int as n from d`,
    );
    total += row?.n ?? 0;
    if ((row?.n ?? 0) < batch) return total;
  }
}

/**
 * Starts the delivery job in this process: a pass every `everyMs`, at once again while passes find a
 * full batch; once an hour it prunes old events first. Unref'd timers; a failed pass is logged and the next one tries again. Returns a stop
 * that resolves once the pass under way has finished.
 */
export function startDeliveryJob(
  db: () => DbOrTx,
  opts: DeliveryOptions & { everyMs: number },
): () => Promise<void> {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(tick, ms);
    timer.unref();
  };
  let prunedAt = 0;
  const tick = () => {
    const pass = async () => {
      if (opts.now().getTime() - prunedAt >= 3_600_000) {
        prunedAt = opts.now().getTime();
        await pruneAlertEvents(db(), opts.now());
      }
      return runDeliveryPass(db(), opts);
    };
    running = pass().then(
      (s) => schedule(s.claimed >= opts.concurrency || s.dispatched > 0 ? 0 : opts.everyMs),
      (err) => {
        console.error('[runledger] webhook delivery pass failed', err);
        schedule(opts.everyMs);
      },
    );
  };
  schedule(opts.everyMs);
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}
