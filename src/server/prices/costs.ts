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

/**
 * Run cost (USD) per UTC day of the run's start since `from`, split by model or by user (runs without
 * one count as "(none)"). Reads the runs' totals: the price table's cost lands there at ingest.
 */
export async function costPerDay(
  db: DbOrTx,
  projectId: string,
  from: Date,
  by: 'model' | 'user',
): Promise<CostByDay> {
  const key = by === 'model' ? sql`model` : sql`user_id`;
  const rows = await queryRows<{ day: string; key: string | null; usd: number }>(
    db,
    sql`select to_char(date_trunc('day', coalesce(started_at, created_at) at time zone 'UTC'), 'YYYY-MM-DD') as day,
               ${key} as key, sum(cost_usd)::float8 as usd
        from runs
        where project_id = ${projectId}::uuid and created_at >= ${from.toISOString()}::timestamptz and cost_usd > 0
        group by 1, 2 order by 1`,
  );
  const totals = new Map<string, number>();
  for (const r of rows) totals.set(r.key ?? '(none)', (totals.get(r.key ?? '(none)') ?? 0) + Number(r.usd));
  const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
  const kept = new Set(ranked.slice(0, MAX_SERIES));
  const keys = [...ranked.slice(0, MAX_SERIES), ...(ranked.length > MAX_SERIES ? ['other'] : [])];
  const byDay = new Map<string, Record<string, number>>();
  for (const r of rows) {
    const k = kept.has(r.key ?? '(none)') ? (r.key ?? '(none)') : 'other';
    const entry = byDay.get(r.day) ?? {};
    entry[k] = (entry[k] ?? 0) + Number(r.usd);
    byDay.set(r.day, entry);
  }
  const days: string[] = [];
  for (let t = Date.parse(from.toISOString().slice(0, 10)); t <= Date.now(); t += 86_400_000) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return { days, keys, rows: days.map((day) => ({ day, byKey: byDay.get(day) ?? {} })) };
}

/** The users with the highest run cost since `from`. */
export async function topUsersByCost(db: DbOrTx, projectId: string, from: Date, limit = 10) {
  const rows = await queryRows<{ user_id: string; usd: number; runs: number }>(
    db,
    sql`select user_id, sum(cost_usd)::float8 as usd, count(*)::int as runs from runs
        where project_id = ${projectId}::uuid and created_at >= ${from.toISOString()}::timestamptz
          and user_id is not null and cost_usd > 0
        group by user_id order by usd desc, user_id limit ${limit}`,
  );
  return rows.map((r) => ({ userId: r.user_id, usd: Number(r.usd), runs: Number(r.runs) }));
}
