import 'server-only';
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { queryRows } from '@/db/sql';

export type CostByDay = {
  days: string[];
  keys: string[];
  rows: { day: string; byKey: Record<string, number> }[];
};

/** Series beyond this many (by total) are summed into "other". */
const MAX_SERIES = 8;

/** The UTC day of `from`, where the cost charts start. */
const firstDay = (from: Date) => new Date(Date.parse(from.toISOString().slice(0, 10)));

/**
 * Run cost (USD) per UTC day of the run's start since the day of `from`, split by model or by user (runs
 * without one count as "(none)"); beyond the MAX_SERIES largest, the rest is "other". Reads the daily
 * rollup of the runs' costs (run_cost_daily, kept by triggers on runs): the price table's cost lands on
 * the run at ingest, and a recompute or a deleted run moves the rollup with it.
 */
export async function costPerDay(
  db: DbOrTx,
  projectId: string,
  from: Date,
  by: 'model' | 'user',
): Promise<CostByDay> {
  const key = by === 'model' ? sql`model` : sql`user_id`;
  const start = firstDay(from);
  const rows = await queryRows<{ day: string; key: string | null; rank: number; usd: number; keys: number }>(
    db,
    sql`with c as (
          select day, ${key} as key, sum(usd) as usd from run_cost_daily
          where project_id = ${projectId}::uuid and day >= ${start.toISOString()}::timestamptz and runs > 0
          group by 1, 2
        ),
        k as (select key, row_number() over (order by sum(usd) desc, key) as rank from c group by key)
        select to_char(c.day at time zone 'UTC', 'YYYY-MM-DD') as day,
          case when k.rank <= ${MAX_SERIES} then c.key end as key, min(k.rank)::int as rank,
          sum(c.usd)::float8 as usd, (select count(*) from k)::int as keys
        from c join k using (key)
        group by 1, 2`,
  );
  const name = (r: { key: string | null }) => (r.key === null ? 'other' : r.key || '(none)');
  const ranked = [...new Map(rows.filter((r) => r.key !== null).map((r) => [name(r), r.rank])).entries()]
    .sort((a, b) => a[1] - b[1])
    .map(([k]) => k);
  const keys = [...ranked, ...(rows.some((r) => r.key === null) ? ['other'] : [])];
  const byDay = new Map<string, Record<string, number>>();
  for (const r of rows) {
    const entry = byDay.get(r.day) ?? {};
    entry[name(r)] = (entry[name(r)] ?? 0) + Number(r.usd);
    byDay.set(r.day, entry);
  }
  const days: string[] = [];
  for (let t = start.getTime(); t <= Date.now(); t += 86_400_000) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return { days, keys, rows: days.map((day) => ({ day, byKey: byDay.get(day) ?? {} })) };
}

/** The users with the highest run cost since the UTC day of `from` (from the daily rollup). */
export async function topUsersByCost(db: DbOrTx, projectId: string, from: Date, limit = 10) {
  const rows = await queryRows<{ user_id: string; usd: number; runs: number }>(
    db,
    sql`select user_id, sum(usd)::float8 as usd, sum(runs)::int as runs from run_cost_daily
        where project_id = ${projectId}::uuid and day >= ${firstDay(from).toISOString()}::timestamptz
          and user_id <> '' and runs > 0
        group by user_id order by sum(usd) desc, user_id limit ${limit}`,
  );
  return rows.map((r) => ({ userId: r.user_id, usd: Number(r.usd), runs: Number(r.runs) }));
}
