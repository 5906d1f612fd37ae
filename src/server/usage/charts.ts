import 'server-only';
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { queryRows } from '@/db/sql';
import { iso } from '@/lib/time';
import { AppError } from '../errors';
import { windowsAt } from './windows';

/** Time series of the ledger for charts: the API's series and the dashboard's daily chart. */

const MAX_BUCKETS = 5000;

/**
 * Ledger totals per hour or day bucket (UTC), every bucket of the range present (0 when empty), for
 * charts. Default range: the last 7 days by day, the last 48 hours by hour.
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
          select date_trunc(${unit}, occurred_at, 'UTC') as bucket, sum(amount) as total
          from usage_events
          where project_id = ${projectId}::uuid and metric = ${input.metric}
            ${input.subject ? sql`and subject = ${input.subject}` : sql``}
            and occurred_at >= ${from.toISOString()}::timestamptz and occurred_at <= ${to.toISOString()}::timestamptz
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
