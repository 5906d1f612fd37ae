import 'server-only';
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { queryRows } from '@/db/sql';
import type { ScoreSource, ScoreType } from '@/lib/enums';

export type TrendPoint = { day: string; count: number; mean: number | null; passRate: number | null };
export type ScoreTrend = { name: string; dataType: ScoreType; total: number; points: TrendPoint[] };

/**
 * Per score name, one point per UTC day since `from`: how many scores, their mean (numbers) and the
 * share of yes (booleans). Reads the (project_id, name, created_at) index.
 */
export async function scoreTrends(
  db: DbOrTx,
  projectId: string,
  opts: { from: Date; name?: string; source?: ScoreSource },
): Promise<ScoreTrend[]> {
  const rows = await queryRows<{
    name: string;
    data_type: ScoreType;
    day: string;
    n: number;
    mean: number | null;
    pass: number | null;
  }>(
    db,
    sql`select name, data_type, to_char(date_trunc('day', created_at at time zone 'UTC'), 'YYYY-MM-DD') as day,
          count(*)::int as n, avg(value)::float8 as mean,
          avg(case when value <> 0 then 1.0 else 0.0 end)::float8 as pass
        from scores
        where project_id = ${projectId}::uuid and created_at >= ${opts.from.toISOString()}::timestamptz
          ${opts.name ? sql`and name = ${opts.name}` : sql``}
          ${opts.source ? sql`and source = ${opts.source}::score_source` : sql``}
        group by 1, 2, 3 order by 1, 3`,
  );
  const byName = new Map<string, ScoreTrend>();
  for (const r of rows) {
    const t = byName.get(r.name) ?? { name: r.name, dataType: r.data_type, total: 0, points: [] };
    const n = Number(r.n);
    t.total += n;
    t.points.push({
      day: r.day,
      count: n,
      mean: r.data_type === 'numeric' && r.mean !== null ? Number(r.mean) : null,
      passRate: r.data_type === 'boolean' && r.pass !== null ? Number(r.pass) : null,
    });
    byName.set(r.name, t);
  }
  return [...byName.values()];
}
