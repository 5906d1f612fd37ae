import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { queryRows } from '@/db/sql';

/**
 * The invariant the usage domain keeps: for every counter of the project, used equals the ledger total
 * in its window plus the amounts held by reservations whose windows include it. Returns the mismatches.
 */
export async function counterMismatches(db: DbOrTx, projectId: string) {
  return queryRows<{ subject: string; metric: string; period: string; used: number; expected: number }>(
    db,
    sql`with c as (
          select uc.*, uc.window_start + case uc.period when 'minute' then interval '1 minute'
            when 'hour' then interval '1 hour' when 'day' then interval '1 day' else interval '1 month' end
            as window_end
          from usage_counters uc where uc.project_id = ${projectId}::uuid
        )
        select c.subject, c.metric, c.period::text, c.used::float8 as used,
          (coalesce((select sum(e.amount) from usage_events e where e.project_id = c.project_id
              and e.subject = c.subject and e.metric = c.metric
              and e.occurred_at >= c.window_start and e.occurred_at < c.window_end), 0)
           + coalesce((select sum(r.amount) from usage_reservations r, jsonb_array_elements(r.windows) w
              where r.project_id = c.project_id and r.subject = c.subject and r.metric = c.metric
              and r.status = 'held' and (w->>'window') = c.period::text
              and (w->>'windowStart')::timestamptz = c.window_start), 0))::float8 as expected
        from c`,
  ).then((rows) => rows.filter((r) => Number(r.used) !== Number(r.expected)));
}

export async function ledgerTotal(db: DbOrTx, projectId: string, metric?: string) {
  const [row] = await queryRows<{ total: number; n: number }>(
    db,
    sql`select coalesce(sum(amount), 0)::float8 as total, count(*)::int as n from usage_events
        where project_id = ${projectId}::uuid ${metric ? sql`and metric = ${metric}` : sql``}`,
  );
  return { total: Number(row!.total), rows: Number(row!.n) };
}

/**
 * Windows that hold usage (ledger or open holds) but have no counter: every window of every key is
 * counted, so a quota created later must find its counter. Returns the windows missing a counter.
 */
export async function missingCounters(db: DbOrTx, projectId: string) {
  return queryRows<{ subject: string; metric: string; period: string; start: string; amount: number }>(
    db,
    sql`with amounts as (
          select subject, metric, amount, occurred_at as at from usage_events where project_id = ${projectId}::uuid
          union all
          select subject, metric, amount, created_at from usage_reservations
          where project_id = ${projectId}::uuid and status = 'held'
        ),
        w as (
          select a.subject, a.metric, p.period,
            date_trunc(p.period, a.at at time zone 'UTC') at time zone 'UTC' as start, sum(a.amount) as amount
          from amounts a cross join (values ('minute'), ('hour'), ('day'), ('month')) p(period)
          group by 1, 2, 3, 4
        )
        select w.subject, w.metric, w.period, w.start::text, w.amount::float8 as amount from w
        where w.amount <> 0 and not exists (select 1 from usage_counters uc
          where uc.project_id = ${projectId}::uuid and uc.subject = w.subject and uc.metric = w.metric
            and uc.period::text = w.period and uc.window_start = w.start)`,
  );
}

/**
 * The rollups the ledger's inserts keep (ledgerRollupsSql, in each insert's statement): every (day, subject, model) row of usage_daily and
 * (hour, subject) row of usage_hourly must equal the ledger's sum for it. Returns the mismatches.
 */
export async function rollupMismatches(db: DbOrTx, projectId: string) {
  return queryRows<{
    rollup: string;
    metric: string;
    at: string;
    subject: string;
    ledger: number;
    total: number;
  }>(
    db,
    sql`with e as (select * from usage_events where project_id = ${projectId}::uuid),
        ld as (select metric, date_trunc('day', occurred_at, 'UTC') as at, subject, coalesce(model, '') as model,
                 sum(amount) as total from e group by 1, 2, 3, 4),
        rd as (select metric, day as at, subject, model, total from usage_daily where project_id = ${projectId}::uuid),
        lh as (select metric, date_trunc('hour', occurred_at, 'UTC') as at, subject, sum(amount) as total
               from e group by 1, 2, 3),
        rh as (select metric, hour as at, subject, total from usage_hourly where project_id = ${projectId}::uuid)
        select 'daily' as rollup, metric, at::text, subject, coalesce(ld.total, 0)::float8 as ledger,
          coalesce(rd.total, 0)::float8 as total
        from ld full join rd using (metric, at, subject, model)
        where coalesce(ld.total, 0) <> coalesce(rd.total, 0)
        union all
        select 'hourly', metric, at::text, subject, coalesce(lh.total, 0)::float8, coalesce(rh.total, 0)::float8
        from lh full join rh using (metric, at, subject)
        where coalesce(lh.total, 0) <> coalesce(rh.total, 0)`,
  );
}
