import 'server-only';
import { type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { runs } from '@/db/schema';
import { queryRows } from '@/db/sql';
import type { ScoreCondition } from '@/lib/score-filters';

const CMP = { gte: sql`>=`, gt: sql`>`, lte: sql`<=`, lt: sql`<`, eq: sql`=` } as const;

/** The history's filters as far as scores go: conditions, and the run ids they narrow to (see narrow). */
export type ScoreFilters = { scores?: ScoreCondition[]; scoredRunIds?: string[] };

const matches = (c: Exclude<ScoreCondition, { op: 'missing' }>) =>
  c.op === 'label' ? sql`s.label = ${c.label}` : sql`s.value ${CMP[c.op]} ${c.value}`;

/**
 * Conditions on `runs` for the history's score filters: the run has (or, for `missing`, has not) a
 * score of its own (not of a step or result) of that name matching; and, once narrowed, is one of
 * `scoredRunIds`.
 */
export function scoreConditions(f: ScoreFilters): SQL[] {
  const out = (f.scores ?? []).map((c) => {
    const own = sql`s.project_id = ${runs.projectId} and s.run_id = ${runs.id} and s.name = ${c.name}
      and s.seq is null and s.result_id is null`;
    if (c.op === 'missing') return sql`not exists (select 1 from scores s where ${own})`;
    return sql`exists (select 1 from scores s where ${own} and ${matches(c)})`;
  });
  if (f.scoredRunIds) out.push(sql`${runs.id} = any(${`{${f.scoredRunIds.join(',')}}`}::uuid[])`);
  return out;
}

/** A filter matching at most this many runs is read from the scores' index first. */
export const NARROW_LIMIT = 5000;

/**
 * The planner cannot tell a rare score range from a common one (`quality >= 0.999` looks as common as
 * `correct = true`, whose values it also counts), and walking the history newest first for a rare one
 * reads the whole project. So each positive condition is first counted on its index (at most
 * NARROW_LIMIT + 1 entries); when one matches few runs, their ids bound the query. Common conditions
 * are left to the newest-first walk, which finds a page of them quickly.
 */
export async function narrowByScores<F extends ScoreFilters>(
  db: DbOrTx,
  projectId: string,
  f: F,
  limit = NARROW_LIMIT,
): Promise<F> {
  let best: { c: Exclude<ScoreCondition, { op: 'missing' }>; n: number } | null = null;
  for (const c of f.scores ?? []) {
    if (c.op === 'missing') continue;
    const [row] = await queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from (select 1 from scores s where s.project_id = ${projectId}::uuid
            and s.name = ${c.name} and s.seq is null and s.result_id is null and ${matches(c)}
            limit ${limit + 1}) m`,
    );
    const n = Number(row?.n ?? 0);
    if (n <= limit && (!best || n < best.n)) best = { c, n };
  }
  if (!best) return f;
  const ids = await queryRows<{ run_id: string }>(
    db,
    sql`select distinct s.run_id from scores s where s.project_id = ${projectId}::uuid and s.name = ${best.c.name}
          and s.seq is null and s.result_id is null and ${matches(best.c)}`,
  );
  return { ...f, scoredRunIds: ids.map((r) => r.run_id) };
}
