import 'server-only';
import { type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { alertEvents } from '@/db/schema';
import type { AlertEventType } from '@/lib/enums';

export type AlertEventInput = {
  projectId: string;
  type: AlertEventType;
  data: Record<string, unknown>;
  /** Raises the event once per key in the project: a second enqueue with it writes nothing. */
  dedupeKey?: string;
  now?: Date;
};

/**
 * Writes an event to the outbox in the caller's transaction (so it exists exactly when the change
 * that raised it commits). The delivery job fans it out to the project's destinations. Returns its id
 * (the `webhook-id`), or null when its dedupe key was already raised.
 */
export async function enqueueAlertEvent(db: DbOrTx, input: AlertEventInput): Promise<string | null> {
  const [row] = await db
    .insert(alertEvents)
    .values({
      projectId: input.projectId,
      type: input.type,
      data: input.data,
      dedupeKey: input.dedupeKey ?? null,
      createdAt: input.now ?? new Date(),
    })
    .onConflictDoNothing()
    .returning({ id: alertEvents.id });
  return row?.id ?? null;
}

/**
 * A WITH item for the usage statement (applySql): raises `quota.soft_limit_crossed` for each soft
 * window this amount takes from below its limit to the limit or past it, once per quota, subject and
 * window. Reads the statement's `w` (quota windows), `c` (counters after the amount) and `ok`; writes
 * nothing when the statement refuses. Costs one empty join on every write that crosses nothing.
 */
export function softCrossingCte(
  projectId: string,
  subject: string,
  metric: string,
  amount: number,
  at: Date,
): SQL {
  return sql`soft_alert as (
      insert into alert_events (project_id, type, data, dedupe_key, created_at)
      select ${projectId}::uuid, 'quota.soft_limit_crossed',
        jsonb_build_object('quotaId', w.id, 'quotaSubject', w.subject, 'subject', ${subject}::text,
          'metric', ${metric}::text, 'window', w.period, 'windowStart', w.start, 'limit', w.limit_value,
          'used', c.used),
        'soft:' || w.id || ':' || ${subject}::text || ':' || extract(epoch from w.start)::bigint,
        ${at.toISOString()}::timestamptz
      from w join c on c.period = w.period
      where (select ok from ok) and w.mode = 'soft' and c.used >= w.limit_value
        and c.used - ${amount}::bigint < w.limit_value
      on conflict (project_id, dedupe_key) do nothing
      returning 1
    )`;
}

/**
 * softCrossingCte for forcedLedgerCtes (usage that already happened, many keys at once): reads its
 * `ledger_per` (amount per key) and `ledger_counters` (counters after it) and looks up the quota that
 * applies to each counted window (the subject's own, else `*`).
 */
export function softCrossingForcedCte(projectId: string, at: Date): SQL {
  return sql`ledger_soft_alert as (
      insert into alert_events (project_id, type, data, dedupe_key, created_at)
      select ${projectId}::uuid, 'quota.soft_limit_crossed',
        jsonb_build_object('quotaId', q.id, 'quotaSubject', q.subject, 'subject', lc.subject,
          'metric', lc.metric, 'window', lc.period, 'windowStart', lc.window_start, 'limit', q.limit_value,
          'used', lc.used),
        'soft:' || q.id || ':' || lc.subject || ':' || extract(epoch from lc.window_start)::bigint,
        ${at.toISOString()}::timestamptz
      from ledger_counters lc
      join ledger_per p on p.subject = lc.subject and p.metric = lc.metric
      cross join lateral (
        select q.id, q.subject, q.limit_value, q.mode from quotas q
        where q.project_id = ${projectId}::uuid and q.metric = lc.metric and q.subject in (lc.subject, '*')
          and q.period = lc.period
        order by (q.subject = '*') limit 1
      ) q
      where q.mode = 'soft' and lc.used >= q.limit_value and lc.used - p.amount < q.limit_value
      on conflict (project_id, dedupe_key) do nothing
      returning 1
    )`;
}

export type RefusedWindow = {
  quotaId: string;
  quotaSubject: string;
  window: string;
  windowStart: Date;
  limit: number;
  used: number;
};

/**
 * Raises `quota.hard_limit_refused` for each hard window that refused an amount, once per quota,
 * subject and window (the unique dedupe key: repeated refusals in one window write nothing). Called
 * after the refused transaction rolled back, since a refusal writes no ledger row to ride along with.
 */
export async function raiseRefusals(
  db: DbOrTx,
  key: { projectId: string; subject: string; metric: string },
  amount: number,
  windows: RefusedWindow[],
  at: Date,
): Promise<void> {
  for (const w of windows) {
    const dedupeKey = `hard:${w.quotaId}:${key.subject}:${Math.floor(w.windowStart.getTime() / 1000)}`;
    const cacheKey = `${key.projectId}:${dedupeKey}`;
    if (raised.has(cacheKey)) continue;
    await enqueueAlertEvent(db, {
      projectId: key.projectId,
      type: 'quota.hard_limit_refused',
      data: {
        quotaId: w.quotaId,
        quotaSubject: w.quotaSubject,
        subject: key.subject,
        metric: key.metric,
        window: w.window,
        windowStart: w.windowStart.toISOString(),
        limit: w.limit,
        used: w.used,
        requested: amount,
      },
      dedupeKey,
      now: at,
    });
    if (raised.size >= 10_000) raised.clear();
    raised.add(cacheKey);
  }
}

// Keys this process already raised (quota ids are unique, so no other database shares one): a
// subject hammering a refused quota costs no extra statement.
const raised = new Set<string>();
