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
  const where = sql`project_id = ${projectId}::uuid and day >= ${start.toISOString()}::timestamptz and runs > 0`;
  // Two plain GROUP BYs over the rollup: the largest keys (and how many there are), then the days with
  // every other key folded into one (a CTE joined back to its own ranking cost six times as much).
  const top = await queryRows<{ key: string; keys: number }>(
    db,
    sql`select ${key} as key, count(*) over ()::int as keys from run_cost_daily where ${where}
        group by 1 order by sum(usd) desc, 1 limit ${MAX_SERIES}`,
  );
  const topKeys = top.map((t) => t.key);
  const inList = topKeys.length
    ? sql.join(
        topKeys.map((k) => sql`${k}`),
        sql`, `,
      )
    : sql`null`;
  const rows = await queryRows<{ day: string; key: string | null; usd: number }>(
    db,
    sql`select to_char(day at time zone 'UTC', 'YYYY-MM-DD') as day,
          case when ${key} in (${inList}) then ${key} end as key,
          sum(usd)::float8 as usd
        from run_cost_daily where ${where}
        group by 1, 2`,
  );
  const name = (k: string | null) => (k === null ? 'other' : k || '(none)');
  const keys = [...topKeys.map(name), ...((top[0]?.keys ?? 0) > topKeys.length ? ['other'] : [])];
  const byDay = new Map<string, Record<string, number>>();
  for (const r of rows) {
    const entry = byDay.get(r.day) ?? {};
    entry[name(r.key)] = (entry[name(r.key)] ?? 0) + Number(r.usd);
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
