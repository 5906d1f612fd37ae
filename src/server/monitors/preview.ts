import 'server-only';
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import type { PreviewResponse } from '@/lib/contract';
import type { MonitorComparator } from '@/lib/enums';
import { queryRows } from '@/db/sql';
import { type MetricSpec, metricRowsSql, ts } from './metric';

export type SeriesSpec = MetricSpec & { windowSeconds: number; comparator: MonitorComparator };

/** A split monitor's point is its worst subject: the highest for gt/gte, the lowest for lt/lte. */
const worst = (c: MonitorComparator) => (c === 'gt' || c === 'gte' ? sql`max` : sql`min`);

/**
 * The metric at `points` evenly spaced instants of the `rangeHours` before `now`, each over the window
 * ending there (what the monitor would have measured then), in one statement.
 */
export async function metricSeries(
  db: DbOrTx,
  m: SeriesSpec,
  opts: { now: Date; rangeHours: number; points: number },
): Promise<{ at: string; value: number | null }[]> {
  const start = new Date(opts.now.getTime() - opts.rangeHours * 3_600_000);
  const stepMs = (opts.now.getTime() - start.getTime()) / (opts.points - 1);
  const t = sql`(${ts(start)} + p.i * ${stepMs}::float8 * interval '1 millisecond')`;
  const windowStart = sql`(${t} - ${m.windowSeconds}::int * interval '1 second')`;
  const rows = await queryRows<{ at: Date | string; value: number | string | null }>(
    db,
    sql`select ${t} as at, ${worst(m.comparator)}(v.value) as value
      from generate_series(0, ${opts.points - 1}::int) as p(i)
      left join lateral (${metricRowsSql(m, windowStart, t)}) v on true
      group by p.i order by p.i`,
  );
  return rows.map((r) => ({
    at: new Date(r.at).toISOString(),
    value: r.value === null ? null : Number(r.value),
  }));
}

/** The preview of a definition before it is saved: its series and, when split, its subjects now. */
export async function previewMonitor(
  db: DbOrTx,
  m: SeriesSpec & { threshold: number },
  opts: { now: Date; rangeHours: number; points: number },
): Promise<PreviewResponse> {
  const points = await metricSeries(db, m, opts);
  let subjects: PreviewResponse['subjects'] = [];
  if (m.perSubject) {
    const start = new Date(opts.now.getTime() - m.windowSeconds * 1000);
    const desc = m.comparator === 'gt' || m.comparator === 'gte';
    const rows = await queryRows<{ subject: string; value: number | string | null }>(
      db,
      sql`select subject, value from (${metricRowsSql(m, ts(start), ts(opts.now))}) v
        order by value ${desc ? sql`desc` : sql`asc`} nulls last limit 20`,
    );
    subjects = rows.map((r) => ({ subject: r.subject, value: r.value === null ? null : Number(r.value) }));
  }
  return { points, threshold: m.threshold, comparator: m.comparator, subjects };
}
