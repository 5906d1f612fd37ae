import 'server-only';
import { type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { pgErrorCode, queryRowsPrepared as queryRows } from '@/db/sql';
import { secondsUntil, type WindowKind } from '@/lib/windows';
import { softCrossingCte, softCrossingForcedCte } from '../alerts/outbox';
import { AppError } from '../errors';
import { toWindowDto, type WindowState } from './serialize';
import { applicableQuotasSql, countedWindowsSql, counterLockSql, windowsAt, windowValues } from './windows';

/** The counters of one subject and metric in one project. */
export type UsageKey = { projectId: string; subject: string; metric: string };

/** Where an accepted amount is written, in the same statement as the counters. */
export type ApplyTarget =
  | {
      kind: 'ledger';
      runId?: string | null;
      model?: string | null;
      idempotencyKey?: string | null;
      occurredAt: Date;
    }
  | {
      kind: 'reservation';
      runId?: string | null;
      idempotencyKey?: string | null;
      createdAt: Date;
      expiresAt: Date;
    };

type WindowRow = {
  quotaId: string;
  subject: string;
  window: WindowKind;
  limit: number;
  mode: 'hard' | 'soft';
  /** The counter after this amount; null where a hard window refused it. */
  used: number | null;
};

export type ApplyOutcome = {
  /** The idempotency key is already stored: nothing was written. */
  duplicate: boolean;
  /** False when a runId was given that is not a run of this project: nothing was written. */
  runFound: boolean;
  /** The id of the ledger row or reservation written; null when refused (the caller must roll back). */
  rowId: string | null;
  windows: WindowRow[];
};

/**
 * Releases the capacity held by expired reservations of one key: marks them expired and takes their
 * amounts off the counter windows they were added to. The caller holds the key's lock.
 */
export function expireHeldSql(key: UsageKey, at: Date): SQL {
  const now = at.toISOString();
  return sql`with exp as (
      update usage_reservations set status = 'expired', settled_at = ${now}::timestamptz
      where project_id = ${key.projectId}::uuid and subject = ${key.subject} and metric = ${key.metric}
        and status = 'held' and expires_at <= ${now}::timestamptz
      returning amount, windows
    ),
    d as (
      select (e->>'window')::quota_window as period, (e->>'windowStart')::timestamptz as start,
             sum(exp.amount) as amount
      from exp, jsonb_array_elements(exp.windows) e group by 1, 2
    ),
    u as (
      update usage_counters uc set used = uc.used - d.amount from d
      where uc.project_id = ${key.projectId}::uuid and uc.subject = ${key.subject}
        and uc.metric = ${key.metric} and uc.period = d.period and uc.window_start = d.start
      returning 1
    )
    select count(*)::int as expired from exp`;
}

/** Takes the key's lock and releases its expired holds: the first two statements of every writer. */
export async function lockKey(tx: DbOrTx, key: UsageKey, at: Date): Promise<number> {
  // Issued together so postgres.js pipelines them: one round trip, executed in order.
  const [, expired] = await Promise.all([
    queryRows(tx, counterLockSql(key.projectId, key.subject, key.metric)),
    queryRows<{ expired: number }>(tx, expireHeldSql(key, at)),
  ]);
  return expired[0]?.expired ?? 0;
}

/** Adds `delta` (may be negative) to the counter windows a reservation holds. The caller holds the lock. */
export function adjustHoldSql(
  key: UsageKey,
  windows: { window: string; windowStart: string }[],
  delta: number,
): SQL {
  return sql`update usage_counters uc set used = uc.used + ${delta}::bigint
    from jsonb_array_elements(${JSON.stringify(windows)}::jsonb) e
    where uc.project_id = ${key.projectId}::uuid and uc.subject = ${key.subject} and uc.metric = ${key.metric}
      and uc.period = (e->>'window')::quota_window and uc.window_start = (e->>'windowStart')::timestamptz`;
}

function targetInsertSql(key: UsageKey, amount: number, target: ApplyTarget): SQL {
  if (target.kind === 'ledger') {
    return sql`insert into usage_events
        (project_id, subject, metric, amount, run_id, model, idempotency_key, occurred_at)
      select ${key.projectId}::uuid, ${key.subject}, ${key.metric}, ${amount}::bigint, ${target.runId ?? null}::uuid,
        ${target.model ?? null}, ${target.idempotencyKey ?? null}, ${target.occurredAt.toISOString()}::timestamptz
      from ok where ok.ok
      returning id::text`;
  }
  return sql`insert into usage_reservations
      (project_id, subject, metric, amount, run_id, idempotency_key, windows, expires_at, created_at)
    select ${key.projectId}::uuid, ${key.subject}, ${key.metric}, ${amount}::bigint, ${target.runId ?? null}::uuid,
      ${target.idempotencyKey ?? null},
      (select coalesce(jsonb_agg(jsonb_build_object('window', c.period,
         'windowStart', to_char(c.window_start at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
         order by c.period), '[]'::jsonb) from c),
      ${target.expiresAt.toISOString()}::timestamptz, ${target.createdAt.toISOString()}::timestamptz
    from ok where ok.ok
    returning id::text`;
}

/**
 * The atomic step, in ONE statement: adds `amount` to the counter of every window of this key, with or
 * without a quota (hard windows only while `used + amount <= limit`, as a conditional upsert, so two
 * writers can never both take the last unit), and writes the ledger row or reservation only when every
 * hard window took it. Counting every window keeps each counter equal to its ledger sum (plus holds)
 * whatever order quotas come and go in: a quota never starts from a stale or partial counter. When a window refused, rowId is null and the caller must roll back the
 * transaction, which undoes the windows that did take it: all or nothing. `force` skips the limit
 * (usage that already happened). The caller holds the key's lock (see lockKey).
 */
export function applySql(
  key: UsageKey,
  amount: number,
  at: Date,
  target: ApplyTarget,
  force: boolean,
  standalone = false,
  /** Raise soft-limit alerts (off only for bench/alerts' A/B of what they cost). */
  alerts = true,
): SQL {
  const table = target.kind === 'ledger' ? sql`usage_events` : sql`usage_reservations`;
  const dup = target.idempotencyKey
    ? sql`select exists (select 1 from ${table} where project_id = ${key.projectId}::uuid
        and idempotency_key = ${target.idempotencyKey}) as dup`
    : sql`select false as dup`;
  const run = target.runId
    ? sql`select exists (select 1 from runs where id = ${target.runId}::uuid
        and project_id = ${key.projectId}::uuid) as ok`
    : sql`select true as ok`;
  const quotasSql = countedWindowsSql(key.projectId, key.subject, key.metric, at);
  // Standalone, the statement takes the key's lock itself: the filter is an InitPlan, evaluated before
  // the first quota row reaches the counter upsert, so the lock still comes before any counter row lock.
  const w = standalone
    ? sql`select a.* from (${quotasSql}) a
        where (select 1 from (${counterLockSql(key.projectId, key.subject, key.metric)}) l) = 1`
    : quotasSql;
  // Standalone, a refusal fails the statement (a cast that cannot succeed), which undoes the windows
  // that took the amount: all or nothing without a transaction. See isRefusal.
  const refusal = standalone
    ? sql`, (select ${REFUSAL}::text from ok
             where not ok.ok and not (select dup from dup) and (select ok from run))::int as refused`
    : sql``;
  return sql`with w as (${w}),
    dup as (${dup}),
    run as (${run}),
    c as (
      insert into usage_counters as uc (project_id, subject, metric, period, window_start, used)
      select ${key.projectId}::uuid, ${key.subject}, ${key.metric}, w.period, w.start, ${amount}::bigint
      from w
      where not (select dup from dup) and (select ok from run)
        and (${force}::boolean or w.mode is distinct from 'hard' or ${amount}::bigint <= w.limit_value)
      order by w.period
      on conflict (project_id, subject, metric, period, window_start)
      do update set used = uc.used + excluded.used
      where ${force}::boolean or (select w.mode is distinct from 'hard' or uc.used + excluded.used <= w.limit_value
                                  from w where w.period = excluded.period)
      returning uc.period, uc.window_start, uc.used
    ),
    ok as (
      select not (select dup from dup) and (select ok from run)
        and not exists (select 1 from w where w.mode = 'hard'
                        and not exists (select 1 from c where c.period = w.period)) as ok
    ),
    x as (${targetInsertSql(key, amount, target)})${alerts ? sql`, ${softCrossingCte(key.projectId, key.subject, key.metric, amount, at)}` : sql``}
    select (select dup from dup) as duplicate, (select ok from run) as run_found,
      (select id from x) as row_id,
      (select coalesce(jsonb_agg(jsonb_build_object('quotaId', w.id, 'subject', w.subject,
          'window', w.period, 'limit', w.limit_value, 'mode', w.mode, 'used', c.used)
          order by w.period), '[]'::jsonb)
       from w left join c on c.period = w.period where w.id is not null) as windows${refusal}`;
}

const REFUSAL = 'runledger:quota_refused';

/** True for the error a standalone apply statement raises when a hard window refused the amount. */
export function isRefusal(err: unknown): boolean {
  if (pgErrorCode(err) !== '22P02') return false;
  for (let e: unknown = err, i = 0; i < 4 && e && typeof e === 'object'; i++) {
    if (String((e as { message?: unknown }).message ?? '').includes(REFUSAL)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

export async function parseApply(rows: Promise<Record<string, unknown>[]>): Promise<ApplyOutcome> {
  const [row] = await rows;
  if (!row) throw new Error('usage apply returned no row');
  const windows = (typeof row.windows === 'string' ? JSON.parse(row.windows) : row.windows) as WindowRow[];
  return {
    duplicate: Boolean(row.duplicate),
    runFound: Boolean(row.run_found),
    rowId: (row.row_id as string | null) ?? null,
    windows,
  };
}

/** Locks the key, releases its expired holds, then applies the amount: one pipelined round trip. */
export async function lockAndApply(
  tx: DbOrTx,
  key: UsageKey,
  amount: number,
  at: Date,
  target: ApplyTarget,
  force = false,
): Promise<ApplyOutcome> {
  const [, , outcome] = await Promise.all([
    queryRows(tx, counterLockSql(key.projectId, key.subject, key.metric)),
    queryRows(tx, expireHeldSql(key, at)),
    parseApply(queryRows<Record<string, unknown>>(tx, applySql(key, amount, at, target, force))),
  ]);
  return outcome;
}

/** The current window of every quota that applies to the key, with its counter (0 without one). */
export async function currentWindows(db: DbOrTx, key: UsageKey, at: Date): Promise<WindowState[]> {
  const rows = await queryRows<{
    id: string;
    subject: string;
    period: WindowKind;
    limit_value: number;
    mode: 'hard' | 'soft';
    used: number;
  }>(
    db,
    sql`select w.id, w.subject, w.period, w.limit_value::float8 as limit_value, w.mode,
          coalesce(uc.used, 0)::float8 as used
        from (${applicableQuotasSql(key.projectId, key.subject, key.metric, at)}) w
        left join usage_counters uc on uc.project_id = ${key.projectId}::uuid and uc.subject = ${key.subject}
          and uc.metric = ${key.metric} and uc.period = w.period and uc.window_start = w.start
        order by w.period`,
  );
  const bounds = new Map(windowsAt(at).map((w) => [w.window, w]));
  return rows.map((r) => ({
    quotaId: r.id,
    quotaSubject: r.subject,
    window: r.period,
    mode: r.mode,
    limit: Number(r.limit_value),
    used: Number(r.used),
    start: bounds.get(r.period)!.start,
    resetAt: bounds.get(r.period)!.resetAt,
  }));
}

/** Joins a successful outcome's window rows with their bounds at `at`. */
export function outcomeWindows(outcome: ApplyOutcome, at: Date): WindowState[] {
  const bounds = new Map(windowsAt(at).map((w) => [w.window, w]));
  return outcome.windows.map((w) => ({
    quotaId: w.quotaId,
    quotaSubject: w.subject,
    window: w.window,
    mode: w.mode,
    limit: Number(w.limit),
    used: Number(w.used ?? 0),
    start: bounds.get(w.window)!.start,
    resetAt: bounds.get(w.window)!.resetAt,
  }));
}

/**
 * The 429 for a refused amount. Read inside the refused transaction (the key's lock is held, so the
 * counters are exact); windows that did take the amount are shown without it, since it is rolled back.
 */
export async function quotaExceededError(
  tx: DbOrTx,
  key: UsageKey,
  outcome: ApplyOutcome,
  amount: number,
  at: Date,
): Promise<AppError> {
  const took = new Set(outcome.windows.filter((w) => w.used !== null).map((w) => w.window));
  const windows = (await currentWindows(tx, key, at)).map((w) =>
    took.has(w.window) ? { ...w, used: w.used - amount } : w,
  );
  let blocked = windows.filter((w) => w.mode === 'hard' && w.used + amount > w.limit);
  // Only when a quota changed between the two statements; report the hard windows as they are now.
  if (blocked.length === 0) blocked = windows.filter((w) => w.mode === 'hard');
  if (blocked.length === 0)
    return new AppError('conflict', 'The quotas changed during the request; retry it');
  const earliest = blocked.reduce((a, b) => (b.resetAt < a.resetAt ? b : a));
  // The most constraining window: the least remaining, then the latest reset.
  const tightest = blocked.reduce((a, b) => {
    const ra = a.limit - a.used;
    const rb = b.limit - b.used;
    return rb < ra || (rb === ra && b.resetAt > a.resetAt) ? b : a;
  });
  const dtos = windows.map(toWindowDto);
  return new AppError(
    'quota_exceeded',
    `Quota exceeded for ${key.metric} of ${key.subject} (${blocked.map((w) => w.window).join(', ')})`,
    { windows: dtos, blockedBy: blocked.map((w) => w.window) },
    {
      'Retry-After': String(Math.max(1, secondsUntil(earliest.resetAt, at))),
      'RateLimit-Limit': String(tightest.limit),
      'RateLimit-Remaining': String(Math.max(0, tightest.limit - tightest.used)),
      'RateLimit-Reset': String(Math.max(1, secondsUntil(tightest.resetAt, at))),
    },
  );
}

/**
 * The counter locks of several (subject, metric) keys, taken in (subject, metric) order: every writer
 * that holds more than one takes them in this order, so two such writers cannot deadlock. `keys`
 * selects text columns `subject` and `metric` (nulls and repeats are ignored). Same keys as counterLockSql.
 */
export function counterLocksSql(projectId: string, keys: SQL): SQL {
  return sql`select pg_advisory_xact_lock(hashtextextended(
      'usage:' || ${projectId}::text || ':' || k.subject || ':' || k.metric, 0))
    from (select distinct x.subject::text as subject, x.metric::text as metric from (${keys}) x
          where x.subject is not null order by 1, 2) k`;
}

/**
 * Records usage that already happened (a run's tokens and cost: forced, never refused) for many ledger
 * rows at once, as WITH items that follow the caller's: each row whose idempotency key is not stored
 * yet is written to the ledger (`ledger_ins`), and every key's new total is added to each window of its
 * counters at `at` (`ledger_counters`; the same windows applySql counts, with or without a quota).
 * The caller defines `usage_rows(subject, metric, run_id, amount, model, idempotency_key)` and holds
 * the keys' counter locks (counterLocksSql). Expired holds are left for the next writer of the key
 * (they stay counted as held, so the counters still equal ledger + holds).
 */
export function forcedLedgerCtes(projectId: string, at: Date): SQL {
  return sql`ledger_ins as (
      insert into usage_events (project_id, subject, metric, amount, run_id, model, idempotency_key, occurred_at)
      select ${projectId}::uuid, u.subject, u.metric::text, u.amount::bigint, u.run_id::uuid, u.model::text,
        u.idempotency_key::text, ${at.toISOString()}::timestamptz
      from usage_rows u where u.subject is not null and u.amount > 0
      on conflict (project_id, idempotency_key) do nothing
      returning subject, metric, amount
    ),
    ledger_per as (
      select subject, metric, sum(amount)::bigint as amount from ledger_ins group by subject, metric
    ),
    ledger_counters as (
      insert into usage_counters as uc (project_id, subject, metric, period, window_start, used)
      select ${projectId}::uuid, p.subject, p.metric, w.period, w.start, p.amount
      from ledger_per p cross join (values ${windowValues(at)}) as w(period, start)
      order by p.subject, p.metric, w.period
      on conflict (project_id, subject, metric, period, window_start)
      do update set used = uc.used + excluded.used
      returning uc.subject, uc.metric, uc.period, uc.window_start, uc.used
    ),
    ${softCrossingForcedCte(projectId, at)}`;
}

/** forcedLedgerCtes as a statement of its own; `ctes` defines `usage_rows` (see there). */
export function forcedLedgerBatchSql(projectId: string, at: Date, ctes: SQL): SQL {
  return sql`with ${ctes}, ${forcedLedgerCtes(projectId, at)}
    select (select count(*) from ledger_ins)::int as recorded, (select count(*) from ledger_counters)::int as counters`;
}
