import 'server-only';
import { type SQL, sql } from 'drizzle-orm';
import { type Relation, relation } from '@/db/relation';
import { softCrossingForcedCte } from '../alerts/outbox';
import { LEDGER_RETURNING, ledgerRollupsSql } from './rollups';
import { windowValues } from './windows';

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

const usageRowColumns = ['subject', 'metric', 'run_id', 'amount', 'model', 'idempotency_key'] as const;
/** The columns of the ledger rows forcedLedgerBatchSql records (`model`, `run_id` and the key may be null). */
export type UsageRowColumn = (typeof usageRowColumns)[number];

/**
 * The ledger rows for forcedLedgerBatchSql: `body` selects the usageRowColumns, after the WITH items
 * `needs` it reads (if any).
 */
export const usageRows = (body: SQL, needs?: SQL): Relation<UsageRowColumn> =>
  relation('usage_rows', usageRowColumns, body, needs);

/**
 * Records usage that already happened (a run's tokens and cost: forced, never refused) for many ledger
 * rows at once, as WITH items that follow `rows`: each row whose idempotency key is not stored yet
 * (taken in usage_idempotency by `ledger_keys`; once if the batch repeats it) is written to the ledger
 * (`ledger_ins`) with its rollups (ledgerRollupsSql), and every
 * key's new total is added to each window of its counters at `at` (`ledger_counters`; the same
 * windows applySql counts, with or without a quota).
 * The caller holds the keys' counter locks (counterLocksSql). Expired holds are left for the next
 * writer of the key (they stay counted as held, so the counters still equal ledger + holds).
 */
function forcedLedgerCtes(projectId: string, at: Date, rows: Relation<UsageRowColumn>): SQL {
  return sql`ledger_keys as (
      insert into usage_idempotency (project_id, key, created_at)
      select distinct ${projectId}::uuid, u.idempotency_key::text, ${at.toISOString()}::timestamptz
      from ${rows.name} u where u.subject is not null and u.amount > 0 and u.idempotency_key is not null
      on conflict (project_id, key) do nothing
      returning key
    ),
    ledger_new as (
      select u.subject, u.metric, u.amount, u.run_id, u.model, u.idempotency_key
      from ${rows.name} u where u.subject is not null and u.amount > 0 and u.idempotency_key is null
      union all
      -- A key given twice in one batch is one record, as a key given again in a later batch.
      select distinct on (u.idempotency_key) u.subject, u.metric, u.amount, u.run_id, u.model, u.idempotency_key
      from ${rows.name} u where u.subject is not null and u.amount > 0
        and u.idempotency_key::text in (select key from ledger_keys)
    ),
    ledger_ins as (
      insert into usage_events (project_id, subject, metric, amount, run_id, model, idempotency_key, occurred_at)
      select ${projectId}::uuid, u.subject, u.metric::text, u.amount::bigint, u.run_id::uuid, u.model::text,
        u.idempotency_key::text, ${at.toISOString()}::timestamptz
      from ledger_new u
      returning ${LEDGER_RETURNING}
    ),
    ${ledgerRollupsSql(projectId, 'ledger_ins')},
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

/** forcedLedgerCtes as a statement of its own, on the ledger rows `rows` (defined by it). */
export function forcedLedgerBatchSql(projectId: string, at: Date, rows: Relation<UsageRowColumn>): SQL {
  return sql`with ${rows.definition}, ${forcedLedgerCtes(projectId, at, rows)}
    select (select count(*) from ledger_ins)::int as recorded, (select count(*) from ledger_counters)::int as counters`;
}
