import 'server-only';
import { type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { pgErrorCode, queryRowsPrepared as queryRows } from '@/db/sql';
import type { WindowKind } from '@/lib/windows';
import { softCrossingCte } from '../alerts/outbox';
import { LEDGER_RETURNING, ledgerRollupsSql } from './rollups';
import { countedWindowsSql, counterLockSql } from './windows';

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
      returning id::text, ${LEDGER_RETURNING}`;
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
 * With a ledger row and an idempotency key, the key's row (usage_idempotency), as a WITH item after `x`:
 * its primary key makes a concurrent retry with the same key fail with a unique violation, whatever
 * month either row is in. The caller stores the answer in it.
 */
function ledgerKeySql(key: UsageKey, target: ApplyTarget): SQL {
  if (target.kind !== 'ledger' || !target.idempotencyKey) return sql``;
  return sql`, xk as (
      insert into usage_idempotency (project_id, key, created_at)
      select ${key.projectId}::uuid, ${target.idempotencyKey}, ${target.occurredAt.toISOString()}::timestamptz from x
      returning 1
    )`;
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
  // The ledger's keys have a table of their own (usage_events is partitioned by month).
  const dup = !target.idempotencyKey
    ? sql`select false as dup`
    : target.kind === 'ledger'
      ? sql`select exists (select 1 from usage_idempotency where project_id = ${key.projectId}::uuid
          and key = ${target.idempotencyKey}) as dup`
      : sql`select exists (select 1 from usage_reservations where project_id = ${key.projectId}::uuid
          and idempotency_key = ${target.idempotencyKey}) as dup`;
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
    x as (${targetInsertSql(key, amount, target)})${ledgerKeySql(key, target)}${target.kind === 'ledger' ? sql`, ${ledgerRollupsSql(key.projectId, 'x')}` : sql``}${alerts ? sql`, ${softCrossingCte(key.projectId, key.subject, key.metric, amount, at)}` : sql``}
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
