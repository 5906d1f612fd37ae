import 'server-only';
import { type SQL, sql } from 'drizzle-orm';
import type { Monitor } from '@/db/schema';
import { runFilterConditions } from '../runs/runs';

/** What a metric needs of a monitor (a saved one, or a definition being previewed). */
export type MetricSpec = Pick<
  Monitor,
  'projectId' | 'metric' | 'scoreName' | 'quotaId' | 'filters' | 'perSubject'
>;

const join = (parts: SQL[]) => sql.join(parts, sql` and `);

/** The aggregate of a runs metric over the window's runs (a count is 0 with none; the rest null). */
function runValue(metric: Monitor['metric']): SQL {
  switch (metric) {
    case 'run_count':
      return sql`count(*)`;
    case 'error_rate':
      return sql`100.0 * count(*) filter (where runs.status = 'failed')
        / nullif(count(*) filter (where runs.status in ('succeeded', 'failed', 'cancelled')), 0)`;
    case 'latency_p50':
    case 'latency_p95':
      return sql`percentile_cont(${metric === 'latency_p50' ? 0.5 : 0.95}::float8) within group (
        order by extract(epoch from (runs.ended_at - runs.started_at)) * 1000)
        filter (where runs.ended_at is not null and runs.started_at is not null)`;
    case 'tokens':
      return sql`sum(runs.total_tokens)`;
    default:
      return sql`sum(runs.cost_usd)`;
  }
}

/**
 * `select subject, value` of the metric over [start, end): one row per subject when split (subjects
 * without data have no row), else one row with subject ''. Runs are those created in the window that
 * the history's filters keep (the (project, created_at) indexes bound the read to the window); scores
 * those given in the window to such runs; quota use reads the usage counters of the quota's window
 * containing `end` (a `*` quota: every subject without a quota of its own).
 */
export function metricRowsSql(m: MetricSpec, start: SQL, end: SQL): SQL {
  const subject = m.perSubject ? sql`runs.user_id` : sql`''`;
  const grouped = m.perSubject ? sql`group by runs.user_id` : sql``;
  const runWhere = [
    ...runFilterConditions(m.projectId, m.filters),
    sql`runs.created_at >= ${start}`,
    sql`runs.created_at < ${end}`,
    ...(m.perSubject ? [sql`runs.user_id is not null`] : []),
  ];
  if (m.metric === 'quota_use') {
    const perSubject = sql`select c.subject, 100.0 * c.used / nullif(q.limit_value, 0) as value
      from quotas q join usage_counters c on c.project_id = q.project_id and c.metric = q.metric
        and c.period = q.period
        and c.window_start = date_trunc(q.period::text, ${end} at time zone 'UTC') at time zone 'UTC'
      where q.project_id = ${m.projectId}::uuid and q.id = ${m.quotaId}::uuid
        and (c.subject = q.subject or (q.subject = '*' and not exists (
          select 1 from quotas o where o.project_id = q.project_id and o.metric = q.metric
            and o.period = q.period and o.subject = c.subject)))`;
    return m.perSubject
      ? sql`select subject, value::float8 as value from (${perSubject}) u`
      : sql`select ''::text as subject, max(value)::float8 as value from (${perSubject}) u`;
  }
  if (m.metric === 'score_mean' || m.metric === 'score_pass_rate') {
    const value =
      m.metric === 'score_mean'
        ? sql`avg(s.value)`
        : sql`100.0 * avg(case when s.value >= 0.5 then 1 else 0 end)`;
    return sql`select ${subject}::text as subject, ${value}::float8 as value
      from scores s join runs on runs.project_id = s.project_id and runs.id = s.run_id
      where s.project_id = ${m.projectId}::uuid and s.name = ${m.scoreName ?? ''} and s.seq is null
        and s.result_id is null and s.value is not null
        and s.created_at >= ${start} and s.created_at < ${end}
        and ${join(runFilterConditions(m.projectId, m.filters))}
        ${m.perSubject ? sql`and runs.user_id is not null` : sql``}
      ${grouped}`;
  }
  return sql`select ${subject}::text as subject, ${runValue(m.metric)}::float8 as value
    from runs where ${join(runWhere)} ${grouped}`;
}

/** A timestamp parameter. */
export const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;
