import 'server-only';
import { type SQL, sql } from 'drizzle-orm';
import { relation } from '@/db/relation';
import { afterEventsStoredSql, type StoredEvents, storedEventReturning } from '../events/after-store';
import { priceCostSql } from '../prices/price-sql';
import { counterLocksSql, forcedLedgerBatchSql, usageRows } from '../usage';
import type { SpanRow, TraceRow } from './span-rows';
import { createdRunsState, heldRunsState, newSpansState } from './tx-state';

/** The runs this transaction holds (as its first statement set them), as a uuid[]. */
export const heldRuns = heldRunsState.ids;

/**
 * Records the usage of the given runs' spans not yet in the ledger, for the runs whose user (the quota
 * subject) is known, as ONE autocommit statement run after the spans' transactions commit: the subjects'
 * counter locks (tokens and cost_micros, in key order, taken by an InitPlan before any row is written),
 * the spans marked ledgered, one ledger row per run and metric (idempotency key from its span ids;
 * cost priced as the run's cost is) and the counters. Exports that count the same users queue only for
 * this statement, which commits on the server without a client round trip in between. If the process
 * stops between the spans' commit and this statement, the next export of the trace (an exporter's
 * retry of the same one included) records what was left.
 */
export function ledgerSpanUsageSql(projectId: string, runIds: string): SQL {
  const inRuns = sql`any(${idArray(runIds)})`;
  const locks = counterLocksSql(
    projectId,
    sql`select r.user_id as subject, m.metric from ${projectRuns(projectId, runIds)} r
        cross join (values ('cost_micros'), ('tokens')) as m(metric)
        where r.user_id is not null
          and exists (select 1 from otel_spans s where s.project_id = r.project_id and s.run_id = r.id
            and s.usage is not null and not s.ledgered)`,
  );
  const rows = usageRows(
    sql`
        select subject, 'tokens' as metric, run_id, tokens as amount, model, key || ':tokens' as idempotency_key
        from per_run
        union all
        select subject, 'cost_micros', run_id, micros, model, key || ':cost' from per_run
      `,
    sql`due as (
        update otel_spans s set ledgered = true
        from ${projectRuns(projectId, runIds)} r
        where s.project_id = r.project_id and s.run_id = r.id and r.user_id is not null
          and s.usage is not null and not s.ledgered and s.run_id = ${inRuns}
          and (select count(*) from (${locks}) l) >= 0
        returning s.run_id, r.user_id, r.model as run_model, s.span_id, s.usage, s.end_ns
      ),
      per_run as (
        select user_id as subject, run_id,
               coalesce(sum((usage->>'inputTokens')::bigint), 0) + coalesce(sum((usage->>'outputTokens')::bigint), 0) as tokens,
               round((coalesce(sum(coalesce((usage->>'costUsd')::float8, ${priceCostSql(projectId, {
                 model: sql`coalesce(usage->>'model', run_model)`,
                 at: spanEnd(''),
                 input: sql`(usage->>'inputTokens')::float8`,
                 output: sql`(usage->>'outputTokens')::float8`,
                 cached: sql`(usage->>'cachedInputTokens')::float8`,
               })})), 0) * 1000000)::numeric) as micros,
               min(usage->>'model') as model,
               'otel:' || run_id || ':' || left(encode(sha256(convert_to(
                 string_agg(span_id, ',' order by span_id), 'UTF8')), 'hex'), 32) as key
        from due group by run_id, user_id
      )`,
  );
  return forcedLedgerBatchSql(projectId, new Date(), rows);
}

/** A span's end as a timestamp (its usage event's time), from `end_ns` (prefix `col`). */
const spanEnd = (col: string) => sql.raw(`to_timestamp((${col}end_ns / 1000000)::float8 / 1000)`);

/**
 * A JSON list of run ids as a uuid[] for `= any(...)`: the planner then probes the primary key per id.
 * With `in (select ... from jsonb_array_elements_text(...))` it guessed 100 rows and often scanned
 * the project's runs (or every span, every event) instead, each export slower than the last.
 */
const idArray = (ids: string): SQL =>
  sql`array(select value::uuid from jsonb_array_elements_text(${ids}::jsonb))`;

/**
 * The runs of a JSON id list that belong to the project, found by primary key: the OFFSET 0 keeps the
 * project test out of the scan (on a young table the planner's statistics made it read every run of
 * the project by its project index instead).
 */
const projectRuns = (projectId: string, ids: string | SQL): SQL =>
  sql`(select r.* from (select * from runs where id = any(${typeof ids === 'string' ? idArray(ids) : ids}) offset 0) r where r.project_id = ${projectId}::uuid)`;

/**
 * Concurrent exports of one trace take turns: the runs' locks (of the project's run ids), taken in id
 * order (`try`: those free now, `wait`: all, waiting). Sets heldRunsState to the runs now held, and
 * returns them.
 */
export function lockRunsSql(projectId: string, runIds: string, mode: 'try' | 'wait'): SQL {
  const key = sql`hashtextextended('otel-run:' || ${projectId}::text || ':' || id, 0)`;
  const ordered = sql`(select value as id from jsonb_array_elements_text(${runIds}::jsonb) order by 1) ids`;
  // A volatile function in the WHERE is not pushed below the ORDER BY: the locks go in id order.
  const held =
    mode === 'try'
      ? sql`select coalesce(jsonb_agg(id), '[]'::jsonb)::text from ${ordered}
            where pg_try_advisory_xact_lock(${key})`
      : sql`select ${runIds}::text from (select count(pg_advisory_xact_lock(${key})) from ${ordered}) l`;
  return sql`select ${heldRunsState.set(sql`(${held})`)} as held`;
}

/** The spans not stored yet, into the held runs of this project only; sets newSpansState to the new ones. */
export function insertSpansSql(projectId: string, rows: SpanRow[]): SQL {
  return sql`with ins as (insert into otel_spans (project_id, run_id, span_id, parent_span_id, name, start_ns, end_ns, events, usage)
    select ${projectId}::uuid, x.run_id, x.span_id, x.parent_span_id, x.name, x.start_ns, x.end_ns, x.events, x.usage
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(run_id uuid, span_id text,
         parent_span_id text, name text, start_ns numeric, end_ns numeric, events jsonb, usage jsonb)
    where x.run_id = any(array(select id from ${projectRuns(projectId, heldRuns)} r))
    on conflict (run_id, span_id, project_id) do nothing
    returning run_id, span_id)
    select ${newSpansState.set(sql`coalesce(jsonb_agg(jsonb_build_object('run_id', run_id, 'span_id', span_id)),
      '[]'::jsonb)::text`)} is not null as ok, count(*)::int as n
    from ins`;
}

export function upsertRunsSql(projectId: string, traces: TraceRow[]): SQL {
  const rows = traces.map((t) => ({
    id: t.runId,
    name: t.root?.name ?? `trace ${t.traceId.slice(0, 8)}`,
    status: t.root?.status ?? 'running',
    user_id: t.facts.userId,
    thread_id: t.facts.threadId,
    model: t.facts.model,
    started_at: t.root?.startedAt ?? t.facts.startedAt,
    ended_at: t.root?.endedAt ?? null,
    error: t.root?.error ?? null,
    input: t.root?.input ?? null,
    output: t.root?.output ?? null,
    tags: t.root?.tags ?? [],
    metadata: { otelTraceId: t.traceId, ...t.root?.metadata },
  }));
  // One row version per run: a new trace's run is inserted as its root span says (a `running`
  // placeholder until the root arrives); an existing run learns what the spans say about
  // user/thread/model (filling only what is unknown) and, from a root span (the only rows with
  // `ended_at`), its name, outcome and times. The WHERE keeps a re-sent export from touching a run it
  // cannot change. createdRunsState: the runs this statement created (xmax 0: inserted, not updated).
  const root = sql`excluded.ended_at is not null`;
  return sql`with up as (insert into runs (id, project_id, kind, name, status, user_id, thread_id, model, started_at,
      ended_at, error, input, output, tags, metadata)
    select x.id, ${projectId}::uuid, 'chat', x.name, x.status::run_status, x.user_id, x.thread_id, x.model,
      x.started_at, x.ended_at, x.error, x.input, x.output, array(select jsonb_array_elements_text(x.tags)), x.metadata
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(id uuid, name text, status text, user_id text,
         thread_id text, model text, started_at timestamptz, ended_at timestamptz, error jsonb, input jsonb,
         output jsonb, tags jsonb, metadata jsonb)
    where x.id = any(${heldRuns})
    order by x.id
    on conflict (id, project_id) do update set
      user_id = coalesce(runs.user_id, excluded.user_id),
      thread_id = coalesce(runs.thread_id, excluded.thread_id),
      model = coalesce(runs.model, excluded.model),
      started_at = case when ${root} then excluded.started_at else least(runs.started_at, excluded.started_at) end,
      name = case when ${root} then excluded.name else runs.name end,
      status = case when ${root} then excluded.status else runs.status end,
      ended_at = case when ${root} then excluded.ended_at else runs.ended_at end,
      error = case when ${root} then excluded.error else runs.error end,
      input = case when ${root} then coalesce(excluded.input, runs.input) else runs.input end,
      output = case when ${root} then coalesce(excluded.output, runs.output) else runs.output end,
      tags = case when ${root} then excluded.tags else runs.tags end,
      metadata = case when ${root} then runs.metadata || excluded.metadata else runs.metadata end,
      updated_at = now()
    where (
      (runs.user_id is null and excluded.user_id is not null)
      or (runs.thread_id is null and excluded.thread_id is not null)
      or (runs.model is null and excluded.model is not null)
      or (not ${root} and excluded.started_at < runs.started_at)
      or (${root} and (runs.name, runs.status, runs.started_at, runs.ended_at, runs.error, runs.tags)
        is distinct from (excluded.name, excluded.status, excluded.started_at, excluded.ended_at,
          excluded.error, excluded.tags)))
    returning id, xmax::text = '0' as created)
    select ${createdRunsState.set(sql`coalesce(jsonb_agg(id) filter (where created), '[]'::jsonb)::text`)}
      is not null as ok
    from up`;
}

/**
 * Whether the event `e` of a span of run `runId` is not laid out: a tool span's input (`ifNoCall`) when
 * a span of the run has the model call that made it (`call`, the same call id): the model's is kept.
 */
export const shadowed = (projectId: string, e: SQL, runId: SQL) =>
  sql`(${e} ? 'ifNoCall' and exists (select 1 from otel_spans c where c.project_id = ${projectId}::uuid
    and c.run_id = ${runId} and c.events @> jsonb_build_array(jsonb_build_object('call', ${e}->>'ifNoCall'))))`;

/** Events keep one seq per event in timeline order: (event time, span start, span id, place in span). */
export const timeline = sql`(e.value->>'at')::numeric, s.start_ns, s.span_id, e.ord`;

/**
 * Step 4: a run that had spans before this export (not created now) is laid out again when a stored
 * event comes later than its earliest new one, or when its stored events are not exactly its spans'
 * (e.g. appended through the events API): its events go, and the next statement lays them all out
 * again from the spans.
 */
export function eventsCheckSql(projectId: string): SQL {
  const project = sql`${projectId}::uuid`;
  const notCreated = sql`x.run_id <> all(${createdRunsState.ids})`;
  return sql`with ${newSpansState.item('n', notCreated)},
    old as (
      select s.run_id, s.span_id, s.start_ns, s.events
      from otel_spans s
      where s.project_id = ${project} and s.run_id = any(array(select distinct run_id from n))
        and not exists (select 1 from n where n.run_id = s.run_id and n.span_id = s.span_id)
    ),
    first as (
      select distinct on (s.run_id) s.run_id, (e.value->>'at')::numeric as at, s.start_ns, s.span_id, e.ord
      from otel_spans s join n on n.run_id = s.run_id and n.span_id = s.span_id
      cross join lateral jsonb_array_elements(s.events) with ordinality as e(value, ord)
      where s.project_id = ${project} and s.run_id in (select run_id from old)
      order by s.run_id, ${timeline}
    ),
    late as (
      select a.run_id from (select distinct run_id from n) a
      left join first f on f.run_id = a.run_id
      where (select count(*) from run_events ev where ev.project_id = ${project} and ev.run_id = a.run_id)
              <> coalesce((select sum(jsonb_array_length(s.events)) from old s where s.run_id = a.run_id), 0)
                 - (select count(*) from old s
                    cross join lateral jsonb_array_elements(s.events) as e(value)
                    where s.run_id = a.run_id and s.events @? '$[*].ifNoCall' and ${shadowed(projectId, sql`e.value`, sql`s.run_id`)})
         or exists (
           select 1 from old s
           cross join lateral jsonb_array_elements(s.events) with ordinality as e(value, ord)
           where s.run_id = f.run_id and (${timeline}) > (f.at, f.start_ns, f.span_id, f.ord))
    )
    delete from run_events where project_id = ${project} and run_id = any(array(select run_id from late))`;
}

/**
 * Step 5, for the runs that got new spans: runs without stored events get all their spans' events;
 * the others only the new spans', after their last seq (the check before made sure every new event
 * comes later on the timeline than the stored ones). Then the step every event path shares
 * (src/server/events/after-store): counters, the new spans' tokens and their price, search words
 * (restarted for runs laid out again). `words`: exportWords of this export's spans.
 */
export function eventsStoreSql(projectId: string, words: string): SQL {
  const stored: StoredEvents = {
    base: relation('base', ['run_id', 'fresh'], sql`select run_id, last is null as fresh from prior`),
    ins: relation(
      'ins',
      ['run_id', 'seq', 'type', 'txt'],
      sql`
      insert into run_events (project_id, run_id, run_created_at, seq, type, ts, payload)
      select r.project_id, e.run_id, r.created_at,
             (coalesce(prior.last, -1) + row_number() over (partition by e.run_id
                order by (e.value->>'at')::numeric, e.start_ns, e.span_id, e.ord))::int,
             e.value->>'type',
             to_timestamp(((e.value->>'at')::numeric / 1000000)::float8 / 1000),
             coalesce(e.value->'payload', '{}'::jsonb)
      from src e join prior on prior.run_id = e.run_id
      join runs r on r.project_id = ${projectId}::uuid and r.id = e.run_id
      returning ${storedEventReturning()}
    `,
    ),
    usage: relation(
      'usage',
      ['run_id', 'ord', 'key', 'at', 'payload'],
      sql`
      select s.run_id, 0 as ord, s.span_id as key, ${spanEnd('s.')} as at, s.usage as payload
      from (select distinct run_id, span_id from n) n
      join otel_spans s on s.project_id = ${projectId}::uuid and s.run_id = n.run_id and s.span_id = n.span_id
      where s.usage is not null
    `,
    ),
  };
  return sql`with ${newSpansState.item('n')},
    prior as (
      select a.run_id, (select max(ev.seq) from run_events ev
        where ev.project_id = ${projectId}::uuid and ev.run_id = a.run_id) as last
      from (select distinct run_id from n) a
    ),
    src as (
      select s.run_id, s.start_ns, s.span_id, e.value, e.ord
      from otel_spans s join prior on prior.run_id = s.run_id and prior.last is null
      cross join lateral jsonb_array_elements(s.events) with ordinality as e(value, ord)
      where s.project_id = ${projectId}::uuid and not ${shadowed(projectId, sql`e.value`, sql`s.run_id`)}
      union all
      select s.run_id, s.start_ns, s.span_id, e.value, e.ord
      from n join prior on prior.run_id = n.run_id and prior.last is not null
      join otel_spans s on s.project_id = ${projectId}::uuid and s.run_id = n.run_id and s.span_id = n.span_id
      cross join lateral jsonb_array_elements(s.events) with ordinality as e(value, ord)
      where not ${shadowed(projectId, sql`e.value`, sql`s.run_id`)}
    ),
    ${afterEventsStoredSql(projectId, stored, {
      // The words computed here (exportWords) serve a run when every span this export holds of it was
      // new, and it is appended to or has no other spans; the others take theirs from the stored events.
      wordsByRun: sql`select b.run_id, w.value->>'text' as text
        from ${stored.base.name} b join jsonb_each(${words}::jsonb) w on w.key::uuid = b.run_id
        join (select run_id, count(*) as spans from n group by run_id) nc on nc.run_id = b.run_id
        where nc.spans = (w.value->>'spans')::int
          and (not b.fresh or (select count(*) from otel_spans s
            where s.project_id = ${projectId}::uuid and s.run_id = b.run_id) = nc.spans)`,
    })}
    select count(*)::int as runs from upd`;
}
