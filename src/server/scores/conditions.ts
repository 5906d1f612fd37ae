import 'server-only';
import { type SQL, sql } from 'drizzle-orm';
import { runs } from '@/db/schema';
import type { ScoreCondition } from '@/lib/score-filters';

const CMP = { gte: sql`>=`, gt: sql`>`, lte: sql`<=`, lt: sql`<`, eq: sql`=` } as const;

/**
 * Conditions on `runs` for the history's score filters: the run has (or, for `missing`, has not) a
 * score of its own (not of a step or result) of that name matching. Each reads the
 * (project_id, name, value|label, run_id) indexes of run-level scores.
 */
export function scoreConditions(conditions: ScoreCondition[] = []): SQL[] {
  return conditions.map((c) => {
    const own = sql`s.project_id = ${runs.projectId} and s.run_id = ${runs.id} and s.name = ${c.name}
      and s.seq is null and s.result_id is null`;
    if (c.op === 'missing') return sql`not exists (select 1 from scores s where ${own})`;
    if (c.op === 'label') return sql`exists (select 1 from scores s where ${own} and s.label = ${c.label})`;
    return sql`exists (select 1 from scores s where ${own} and s.value ${CMP[c.op]} ${c.value})`;
  });
}
