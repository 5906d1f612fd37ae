import 'server-only';
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { queryRows } from '@/db/sql';
import { observedScoreIdSql } from '../scores/observed';
import { shadowed, timeline } from './ingest-sql';

/**
 * Gives the score of each evaluation of these runs the step of the span it evaluated: the seq of that
 * span's last event in the run (its output complete; not the evaluation or usage events it carries).
 * Seqs follow the timeline of the run's spans, which a later export can lay out again (an earlier
 * span arriving), so this runs after every store of a run with evaluations and moves the scores with
 * their steps. An evaluation whose span has not arrived, or made no event, scores the whole run (seq
 * null) until it does. A run whose stored events are not exactly its spans' (events appended through
 * the events API since the last export) is left as it is until its next export lays it out again.
 * Returns how many scores moved.
 */
export async function placeEvaluationScores(
  db: DbOrTx,
  projectId: string,
  runIds: string[],
): Promise<number> {
  if (runIds.length === 0) return 0;
  const rows = await queryRows<{ id: string }>(
    db,
    sql`with ev as (
        select l.record_key, l.run_id, l.span_id from otel_log_records l
        where l.project_id = ${projectId}::uuid and l.evaluation is not null
          and l.run_id = any(array(select value::uuid from jsonb_array_elements_text(${JSON.stringify(runIds)}::jsonb)))
      ),
      laid as (
        select s.run_id, s.span_id, e.value->>'type' as type,
          (row_number() over (partition by s.run_id order by ${timeline}) - 1)::int as seq
        from otel_spans s
        cross join lateral jsonb_array_elements(s.events) with ordinality as e(value, ord)
        where s.project_id = ${projectId}::uuid and s.run_id = any(array(select distinct run_id from ev))
          and not ${shadowed(projectId, sql`e.value`, sql`s.run_id`)}
      ),
      exact as (
        select a.run_id from (select run_id, count(*) as n from laid group by run_id) a
        where a.n = (select count(*) from run_events r where r.project_id = ${projectId}::uuid
          and r.run_id = a.run_id)
      ),
      target as (
        select distinct on (ev.record_key) ev.record_key, ev.run_id, laid.seq
        from ev join exact on exact.run_id = ev.run_id
        left join laid on laid.run_id = ev.run_id and laid.span_id = ev.span_id
          and laid.type not in ('evaluation', 'usage')
        order by ev.record_key, laid.seq desc nulls last
      )
      update scores sc set seq = t.seq
      from target t
      where sc.id = ${observedScoreIdSql(projectId, sql`'otel:' || t.record_key`)}
        and sc.project_id = ${projectId}::uuid and sc.run_id = t.run_id and sc.seq is distinct from t.seq
      returning sc.id`,
  );
  return rows.length;
}
