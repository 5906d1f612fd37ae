import 'server-only';
import { type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { queryRows } from '@/db/sql';
import { iso } from '@/lib/time';
import { windowEndFromStart, windowStart } from '@/lib/windows';
import { AppError } from '../errors';
import { windowsAt } from './windows';

/** Time series of the ledger for charts: the API's series and the dashboard's daily chart. */

const MAX_BUCKETS = 5000;

const ceilTo = (unit: 'hour' | 'day', at: Date) => {
  const start = windowStart(unit, at);
  return start.getTime() === at.getTime() ? start : windowEndFromStart(unit, start);
};
const later = (a: Date, b: Date) => (a > b ? a : b);
const earlier = (a: Date, b: Date) => (a < b ? a : b);

/**
 * The ledger's rows in [from, to] (both ends included) as (at, amount) rows, read from the rollups:
 * whole days from usage_daily (when `days`), whole hours from usage_hourly, and only the partial hours
 * at the two ends from the ledger. Every part is one range of an index; the parts do not overlap.
 */
function ledgerRange(
  projectId: string,
  metric: string,
  subject: string | undefined,
  from: Date,
  to: Date,
  days: boolean,
): SQL {
  const t = (d: Date) => sql`${d.toISOString()}::timestamptz`;
  const who = subject === undefined ? sql`` : sql`and subject = ${subject}`;
  // Whole hours [h1, h2); whole days [d1, d2) inside them (empty for hour buckets).
  const h1 = ceilTo('hour', from);
  const h2 = later(windowStart('hour', to), h1);
  const d1 = days ? earlier(ceilTo('day', from), h2) : h2;
  const d2 = days ? later(earlier(windowStart('day', to), h2), d1) : h2;
  const key = sql`project_id = ${projectId}::uuid and metric = ${metric} ${who}`;
  return sql`select occurred_at as at, amount as total from usage_events
      where ${key} and occurred_at >= ${t(from)} and occurred_at < ${t(h1)} and occurred_at <= ${t(to)}
    union all
    select occurred_at, amount from usage_events
      where ${key} and occurred_at >= ${t(h2)} and occurred_at <= ${t(to)} and occurred_at >= ${t(from)}
    union all
    select hour, total from usage_hourly where ${key} and hour >= ${t(h1)} and hour < ${t(d1)}
    union all
    select hour, total from usage_hourly where ${key} and hour >= ${t(d2)} and hour < ${t(h2)}
    union all
    select day, total from usage_daily where ${key} and day >= ${t(d1)} and day < ${t(d2)}`;
}

/**
 * Ledger totals per hour or day bucket (UTC), every bucket of the range present (0 when empty), for
 * charts. Default range: the last 7 days by day, the last 48 hours by hour. Read from the rollups
 * (usage_daily, usage_hourly) and the ledger only for the partial hours at the ends of the range.
 */
export async function usageSeries(
  db: DbOrTx,
  projectId: string,
  input: { metric: string; subject?: string; from?: string; to?: string; bucket: 'hour' | 'day' },
  opts: { now?: Date } = {},
): Promise<{ data: { bucket: string; total: number }[] }> {
  const step = input.bucket === 'hour' ? 3_600_000 : 86_400_000;
  const to = input.to ? new Date(input.to) : (opts.now ?? new Date());
  const from = input.from
    ? new Date(input.from)
    : new Date(to.getTime() - (input.bucket === 'hour' ? 47 : 6) * step);
  if (from > to) throw new AppError('bad_request', '`from` is after `to`');
  if ((to.getTime() - from.getTime()) / step > MAX_BUCKETS) {
    throw new AppError('bad_request', `The range spans more than ${MAX_BUCKETS} ${input.bucket}s`);
  }
  const unit = input.bucket;
  const rows = await queryRows<{ bucket: string | Date; total: number }>(
    db,
    sql`with b as (
          select generate_series(date_trunc(${unit}, ${from.toISOString()}::timestamptz, 'UTC'),
                                 date_trunc(${unit}, ${to.toISOString()}::timestamptz, 'UTC'),
                                 ${`1 ${unit}`}::interval) as bucket
        ),
        t as (
          select date_trunc(${unit}, x.at, 'UTC') as bucket, sum(x.total) as total
          from (${ledgerRange(projectId, input.metric, input.subject, from, to, unit === 'day')}) x
          group by 1
        )
        select b.bucket, coalesce(t.total, 0)::float8 as total from b left join t on t.bucket = b.bucket
        order by b.bucket`,
  );
  return { data: rows.map((r) => ({ bucket: iso(new Date(r.bucket)), total: Number(r.total) })) };
}

export type ModelDay = { day: string; total: number; byModel: Record<string, number> };

/** Ledger totals per UTC day and model over the last `days` days (today included), for a stacked chart. */
export async function usageByModelPerDay(
  db: DbOrTx,
  projectId: string,
  input: { metric: string; days: number },
  opts: { now?: Date } = {},
): Promise<{ models: string[]; data: ModelDay[] }> {
  const days = Math.min(Math.max(1, Math.floor(input.days)), 366);
  const now = opts.now ?? new Date();
  const first = windowsAt(new Date(now.getTime() - (days - 1) * 86_400_000)).find((w) => w.window === 'day')!;
  // From the daily rollup (usage_daily, kept by a trigger at write time): a few rows per day and model
  // instead of every ledger row of the month.
  const rows = await queryRows<{ day: string | Date; model: string; total: number }>(
    db,
    sql`select day, model, sum(total)::float8 as total
        from usage_daily
        where project_id = ${projectId}::uuid and metric = ${input.metric}
          and day >= ${first.start.toISOString()}::timestamptz and day <= ${now.toISOString()}::timestamptz
        group by 1, 2`,
  );
  const data: ModelDay[] = Array.from({ length: days }, (_, i) => ({
    day: iso(new Date(first.start.getTime() + i * 86_400_000)),
    total: 0,
    byModel: {},
  }));
  const index = new Map(data.map((d, i) => [d.day, i]));
  const totals = new Map<string, number>();
  for (const r of rows) {
    const model = r.model || 'unknown';
    const d = data[index.get(iso(new Date(r.day)))!];
    if (!d) continue;
    d.byModel[model] = (d.byModel[model] ?? 0) + Number(r.total);
    d.total += Number(r.total);
    totals.set(model, (totals.get(model) ?? 0) + Number(r.total));
  }
  // Largest first, so the chart stacks the big series at the bottom.
  const models = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([m]) => m);
  return { models, data };
}
