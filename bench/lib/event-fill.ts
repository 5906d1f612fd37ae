import type postgres from 'postgres';

/**
 * `runs` runs of a project created at even steps over [from, to), each with `perRun` text-delta events,
 * in two set-based statements (generate_series): the retention and partition benches' fill. On the
 * partitioned schema the runs' months get their partitions first (none waits in the default one);
 * `partitioned: false` writes the schema before run_events was partitioned (no project_id,
 * run_created_at). Triggers and foreign-key checks are skipped for the fill (session_replication_role
 * = replica): the rows are consistent by construction. Answers the runs' ids.
 */
export async function fillRuns(
  sql: postgres.Sql,
  o: { projectId: string; from: string; to: string; runs: number; perRun: number; partitioned: boolean },
): Promise<string[]> {
  const from = new Date(o.from).toISOString();
  const step = (Date.parse(o.to) - Date.parse(from)) / o.runs;
  if (o.partitioned) {
    await sql`select run_events_ensure_partition(m) from generate_series(
      date_trunc('month', ${from}::timestamptz at time zone 'UTC') at time zone 'UTC',
      ${new Date(Date.parse(o.to) - 1).toISOString()}::timestamptz, interval '1 month') m`;
  }
  return sql.begin(async (tx) => {
    await tx`set local session_replication_role = replica`;
    const ids = await tx<{ id: string }[]>`insert into runs (project_id, name, status, created_at, updated_at,
        event_count, last_seq)
      select ${o.projectId}::uuid, 'run ' || g, 'succeeded', t, t, ${o.perRun}, ${o.perRun - 1}
      from generate_series(0, ${o.runs - 1}) g,
        lateral (select ${from}::timestamptz + g * ${step}::float8 * interval '1 millisecond' as t) x
      returning id`;
    const cols = o.partitioned ? tx`project_id, run_created_at,` : tx``;
    const vals = o.partitioned ? tx`r.project_id, r.created_at,` : tx``;
    await tx`insert into run_events (${cols} run_id, seq, type, ts, payload)
      select ${vals} r.id, s, 'text-delta', r.created_at + s * interval '15 milliseconds',
        '{"type":"text-delta","id":"t","delta":"the model streams a short answer"}'::jsonb
      from runs r cross join generate_series(0, ${o.perRun - 1}) s
      where r.id = any(${ids.map((r) => r.id)}::uuid[])`;
    return ids.map((r) => r.id);
  });
}
