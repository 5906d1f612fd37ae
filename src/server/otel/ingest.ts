import 'server-only';
import { type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { queryRowsPrepared } from '@/db/sql';
import type { UsagePayload } from '@/lib/transcript';
import { afterEventsStoredSql, storedEventReturning } from '../events/after-store';
import { priceCostSql } from '../prices/price-sql';
import { searchWordsOf } from '../search/text';
import { counterLocksSql, forcedLedgerBatchSql } from '../usage';
import type { OtelSpan } from './decode';
import { mapSpan, type SpanEvent } from './map';
import { rootFacts, traceFacts, traceRunId } from './trace';

export type IngestResult = {
  runs: number;
  spans: number;
  newSpans: number;
  /** Spans refused because their trace's run id is taken by another project's run. */
  refused: number;
};

/** Milliseconds spent per phase, summed over calls (a profile: the statements then run one by one). */
export type IngestPhases = Record<string, number>;

type Step = { phase: string; query: SQL };

/**
 * Runs the statements of one step of the transaction: pipelined (issued together, executed in order, one
 * round trip), or one by one and timed per phase when a profile is asked for.
 */
async function runSteps(tx: DbOrTx, steps: Step[], phases?: IngestPhases): Promise<unknown[][]> {
  if (!phases) return Promise.all(steps.map((s) => queryRowsPrepared<unknown>(tx, s.query)));
  const out: unknown[][] = [];
  for (const s of steps) {
    const t0 = performance.now();
    out.push(await queryRowsPrepared<unknown>(tx, s.query));
    phases[s.phase] = (phases[s.phase] ?? 0) + performance.now() - t0;
  }
  return out;
}

/**
 * Stores the spans of one OTLP export, each trace as a run, atomically per run: the runs no other
 * export is writing in one transaction, those busy in a second one that waits for them. Per transaction,
 * two pipelined round trips:
 * 1. the runs are locked (in id order, so exports sharing traces cannot deadlock); every
 *    trace's run exists (a placeholder `running` run until its root span arrives) and learns what this
 *    export says about its user, thread and model; a root span sets name, status and times; spans are
 *    stored once, keyed by (run, span id), in one insert that ignores spans already stored and returns
 *    the new ones (never into another project's run);
 * 2. only for the runs that got new spans: their events are appended when every new event comes after
 *    the stored ones on the timeline (event time, then span start, span id and the event's place in
 *    its span), else rebuilt from all their spans in that order, so the run is the same whatever order
 *    and however often the spans arrived; then the step every event path shares (counters, tokens,
 *    price-table cost, search words: src/server/events/after-store.ts), in the same statement.
 * After the transactions commit, model-call usage not yet in the ledger is recorded once per span
 * (idempotency key from the span ids), per run whose user (the quota subject) is known, in one
 * autocommit statement for the whole export (ledgerSpanUsageSql).
 */
export async function ingestSpans(
  db: DbOrTx,
  projectId: string,
  spans: OtelSpan[],
  opts: { phases?: IngestPhases } = {},
): Promise<IngestResult> {
  if (spans.length === 0) return { runs: 0, spans: 0, newSpans: 0, refused: 0 };
  const { phases } = opts;
  const t0 = performance.now();
  const byTrace = new Map<string, OtelSpan[]>();
  for (const s of spans) {
    const list = byTrace.get(s.traceId);
    if (list) list.push(s);
    else byTrace.set(s.traceId, [s]);
  }
  const traces = [...byTrace.entries()].map(([traceId, list]) => {
    const runId = traceRunId(projectId, traceId);
    const root = list.find((s) => s.parentSpanId === null);
    return { traceId, runId, facts: traceFacts(list), root: root ? rootFacts(root) : null };
  });
  const runOf = new Map(traces.map((t) => [t.traceId, t.runId]));
  const rows = spanRows(spans, runOf);
  if (phases) phases.map = (phases.map ?? 0) + performance.now() - t0;

  // Runs another export is writing (a trace split over two exports) are not waited for while holding
  // the others: they are stored in a second transaction, after this one commits, so exports sharing a
  // trace never queue up behind each other's whole transaction.
  let busy: TraceRow[] = [];
  const first = await db.transaction(async (tx) => {
    const t = performance.now();
    const free = new Set(
      (
        await queryRowsPrepared<{ id: string }>(
          tx,
          sql`select id from (select value as id from jsonb_array_elements_text(${JSON.stringify(
            traces.map((t) => t.runId),
          )}::jsonb) order by 1) ids where pg_try_advisory_xact_lock(hashtextextended('otel-run:' || id, 0))`,
        )
      ).map((r) => r.id),
    );
    if (phases) phases.lock = (phases.lock ?? 0) + performance.now() - t;
    busy = traces.filter((t) => !free.has(t.runId));
    return store(
      tx,
      projectId,
      traces.filter((t) => free.has(t.runId)),
      rows,
      false,
      phases,
    );
  });
  const second = busy.length
    ? await db.transaction((tx) => store(tx, projectId, busy, rows, true, phases))
    : null;
  const t1 = performance.now();
  await queryRowsPrepared(db, ledgerSpanUsageSql(projectId, JSON.stringify(traces.map((t) => t.runId))));
  if (phases) phases.usage = (phases.usage ?? 0) + performance.now() - t1;
  if (phases) phases.total = (phases.total ?? 0) + performance.now() - t0;
  return {
    runs: first.runs + (second?.runs ?? 0),
    spans: first.spans + (second?.spans ?? 0),
    newSpans: first.newSpans + (second?.newSpans ?? 0),
    refused: first.refused + (second?.refused ?? 0),
  };
}

/**
 * Stores the spans of the given traces (`rows` may hold others: they are left out). With `lock`, the
 * runs' locks are taken first, in id order (so exports sharing traces cannot deadlock); without, the
 * caller holds them.
 */
async function store(
  tx: DbOrTx,
  projectId: string,
  traces: TraceRow[],
  allRows: SpanRow[],
  lock: boolean,
  phases?: IngestPhases,
): Promise<IngestResult> {
  if (traces.length === 0) return { runs: 0, spans: 0, newSpans: 0, refused: 0 };
  const ids = new Set(traces.map((t) => t.runId));
  const rows = allRows.filter((r) => ids.has(r.run_id));
  const runIds = JSON.stringify([...ids]);
  const stored = await runSteps(
    tx,
    [
      ...(lock ? [{ phase: 'lock', query: lockRunsSql(runIds) }] : []),
      { phase: 'runs', query: upsertRunsSql(projectId, traces) },
      {
        phase: 'runs',
        query: sql`select id from runs where id = any(${idArray(runIds)})
               and project_id <> ${projectId}::uuid`,
      },
      { phase: 'spans', query: insertSpansSql(projectId, rows) },
    ],
    phases,
  );
  const [upserted, foreignRows, inserted] = stored.slice(-3) as [
    { id: string; created: boolean }[],
    { id: string }[],
    { run_id: string; span_id: string }[],
  ];
  const created = new Set(upserted.filter((r) => r.created).map((r) => r.id));
  // A run id is derived from the project, but a client may create a run with any id: a trace whose
  // id is held by another project's run is refused, never written into that run.
  const foreign = new Set(foreignRows.map((r) => r.id));
  if (inserted.length > 0) await assemble(tx, projectId, inserted, rows, created, phases);
  const refused = foreign.size ? rows.filter((r) => foreign.has(r.run_id)).length : 0;
  return {
    runs: traces.length - foreign.size,
    spans: rows.length - refused,
    newSpans: inserted.length,
    refused,
  };
}

/**
 * Per run, the search words its new spans' events add (searchWordsOf over them in timeline order:
 * event time, span start, span id, place in the span); a run whose events need the SQL form is left out.
 */
function newSpanWords(
  inserted: { run_id: string; span_id: string }[],
  rows: SpanRow[],
): Record<string, string> {
  const isNew = new Set(inserted.map((r) => `${r.run_id} ${r.span_id}`));
  const perRun = new Map<string, { at: string; start: string; span: string; ord: number; e: SpanEvent }[]>();
  for (const r of rows) {
    if (!isNew.has(`${r.run_id} ${r.span_id}`)) continue;
    let list = perRun.get(r.run_id);
    if (!list) {
      list = [];
      perRun.set(r.run_id, list);
    }
    for (const [ord, e] of r.events.entries()) {
      list.push({ at: e.at, start: r.start_ns, span: r.span_id, ord, e });
    }
  }
  const out: Record<string, string> = {};
  for (const [runId, list] of perRun) {
    list.sort(
      (a, b) =>
        compareDigits(a.at, b.at) ||
        compareDigits(a.start, b.start) ||
        (a.span < b.span ? -1 : a.span > b.span ? 1 : 0) ||
        a.ord - b.ord,
    );
    const words = searchWordsOf(list.map((x, seq) => ({ seq, type: x.e.type, payload: x.e.payload })));
    if (words !== null) out[runId] = words;
  }
  return out;
}

/** Compares two non-negative integers written in decimal digits (nanosecond times exceed 2^53). */
function compareDigits(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

type SpanRow = {
  run_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  start_ns: string;
  end_ns: string;
  events: SpanEvent[];
  usage: UsagePayload | null;
};

function spanRows(spans: OtelSpan[], runOf: Map<string, string>): SpanRow[] {
  return spans.map((s) => {
    const mapped = mapSpan(s);
    return {
      run_id: runOf.get(s.traceId)!,
      span_id: s.spanId,
      parent_span_id: s.parentSpanId,
      name: s.name,
      start_ns: String(s.startNs),
      end_ns: String(s.endNs),
      events: mapped.events,
      usage: mapped.usage,
    };
  });
}

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
function ledgerSpanUsageSql(projectId: string, runIds: string): SQL {
  const inRuns = sql`any(${idArray(runIds)})`;
  const locks = counterLocksSql(
    projectId,
    sql`select r.user_id as subject, m.metric from ${projectRuns(projectId, runIds)} r
        cross join (values ('cost_micros'), ('tokens')) as m(metric)
        where r.user_id is not null
          and exists (select 1 from otel_spans s where s.run_id = r.id and s.usage is not null and not s.ledgered)`,
  );
  return forcedLedgerBatchSql(
    projectId,
    new Date(),
    sql`due as (
        update otel_spans s set ledgered = true
        from ${projectRuns(projectId, runIds)} r
        where s.run_id = r.id and r.user_id is not null and s.usage is not null and not s.ledgered
          and s.run_id = ${inRuns}
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
      ),
      usage_rows as (
        select subject, 'tokens' as metric, run_id, tokens as amount, model, key || ':tokens' as idempotency_key
        from per_run
        union all
        select subject, 'cost_micros', run_id, micros, model, key || ':cost' from per_run
      )`,
  );
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
const projectRuns = (projectId: string, ids: string): SQL =>
  sql`(select r.* from (select * from runs where id = any(${idArray(ids)}) offset 0) r where r.project_id = ${projectId}::uuid)`;

/** Concurrent exports of one trace take turns; the locks are taken in id order. */
function lockRunsSql(runIds: string): SQL {
  return sql`select pg_advisory_xact_lock(hashtextextended('otel-run:' || id, 0))
    from (select value as id from jsonb_array_elements_text(${runIds}::jsonb) order by 1) ids`;
}

/** The spans not stored yet, into the runs of this project only; returns the new ones. */
function insertSpansSql(projectId: string, rows: SpanRow[]): SQL {
  const runIds = JSON.stringify([...new Set(rows.map((r) => r.run_id))]);
  return sql`insert into otel_spans (run_id, span_id, parent_span_id, name, start_ns, end_ns, events, usage)
    select x.run_id, x.span_id, x.parent_span_id, x.name, x.start_ns, x.end_ns, x.events, x.usage
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(run_id uuid, span_id text,
         parent_span_id text, name text, start_ns numeric, end_ns numeric, events jsonb, usage jsonb)
    where x.run_id = any(array(select id from ${projectRuns(projectId, runIds)} r))
    on conflict (run_id, span_id) do nothing
    returning run_id, span_id`;
}

type TraceRow = {
  traceId: string;
  runId: string;
  facts: ReturnType<typeof traceFacts>;
  root: ReturnType<typeof rootFacts> | null;
};

function upsertRunsSql(projectId: string, traces: TraceRow[]): SQL {
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
    output: t.root?.output ?? null,
    tags: t.root?.tags ?? [],
    metadata: { otelTraceId: t.traceId, ...t.root?.metadata },
  }));
  // One row version per run: a new trace's run is inserted as its root span says (a `running`
  // placeholder until the root arrives); an existing run learns what the spans say about
  // user/thread/model (filling only what is unknown) and, from a root span (the only rows with
  // `ended_at`), its name, outcome and times. The WHERE keeps a re-sent export from touching a run it
  // cannot change. RETURNING tells the runs this statement created (xmax 0: inserted, not updated).
  const root = sql`excluded.ended_at is not null`;
  return sql`insert into runs (id, project_id, kind, name, status, user_id, thread_id, model, started_at,
      ended_at, error, output, tags, metadata)
    select x.id, ${projectId}::uuid, 'chat', x.name, x.status::run_status, x.user_id, x.thread_id, x.model,
      x.started_at, x.ended_at, x.error, x.output, array(select jsonb_array_elements_text(x.tags)), x.metadata
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(id uuid, name text, status text, user_id text,
         thread_id text, model text, started_at timestamptz, ended_at timestamptz, error jsonb, output jsonb,
         tags jsonb, metadata jsonb)
    order by x.id
    on conflict (id) do update set
      user_id = coalesce(runs.user_id, excluded.user_id),
      thread_id = coalesce(runs.thread_id, excluded.thread_id),
      model = coalesce(runs.model, excluded.model),
      started_at = case when ${root} then excluded.started_at else least(runs.started_at, excluded.started_at) end,
      name = case when ${root} then excluded.name else runs.name end,
      status = case when ${root} then excluded.status else runs.status end,
      ended_at = case when ${root} then excluded.ended_at else runs.ended_at end,
      error = case when ${root} then excluded.error else runs.error end,
      output = case when ${root} then coalesce(excluded.output, runs.output) else runs.output end,
      tags = case when ${root} then excluded.tags else runs.tags end,
      metadata = case when ${root} then runs.metadata || excluded.metadata else runs.metadata end,
      updated_at = now()
    where runs.project_id = excluded.project_id and (
      (runs.user_id is null and excluded.user_id is not null)
      or (runs.thread_id is null and excluded.thread_id is not null)
      or (runs.model is null and excluded.model is not null)
      or (not ${root} and excluded.started_at < runs.started_at)
      or (${root} and (runs.name, runs.status, runs.started_at, runs.ended_at, runs.error, runs.tags)
        is distinct from (excluded.name, excluded.status, excluded.started_at, excluded.ended_at,
          excluded.error, excluded.tags)))
    returning id, xmax::text = '0' as created`;
}

/**
 * Step 2, for the runs that got new spans (`inserted`): events, counters and usage, pipelined.
 * Events keep one seq per event in timeline order: (event time, span start, span id, place in span).
 */
async function assemble(
  tx: DbOrTx,
  projectId: string,
  inserted: { run_id: string; span_id: string }[],
  rows: SpanRow[],
  created: Set<string>,
  phases?: IngestPhases,
) {
  const t0 = performance.now();
  const words = JSON.stringify(newSpanWords(inserted, rows));
  if (phases) phases.words = (phases.words ?? 0) + performance.now() - t0;
  const newKeys = JSON.stringify(inserted);
  const affected = JSON.stringify([...new Set(inserted.map((r) => r.run_id))]);
  const newSpans = sql`n as (select x.run_id, x.span_id from jsonb_to_recordset(${newKeys}::jsonb) as x(run_id uuid, span_id text))`;
  const timeline = sql`(e.value->>'at')::numeric, s.start_ns, s.span_id, e.ord`;
  const inAffected = sql`(select value::uuid from jsonb_array_elements_text(${affected}::jsonb))`;
  // Runs this transaction created have no stored events nor older spans: nothing to check for them.
  const existing = inserted.filter((r) => !created.has(r.run_id));
  const existingSpans = sql`n as (select x.run_id, x.span_id from jsonb_to_recordset(${JSON.stringify(existing)}::jsonb) as x(run_id uuid, span_id text))`;
  await runSteps(
    tx,
    [
      ...(existing.length === 0
        ? []
        : [
            {
              // A run is rebuilt when a stored event comes later than its earliest new one, or when its
              // stored events are not exactly its spans' (e.g. appended through the events API): its
              // events go, and the next statement lays them all out again from the spans.
              phase: 'events check',
              query: sql`with ${existingSpans},
          old as (
            select s.run_id, s.span_id, s.start_ns, s.events
            from otel_spans s
            where s.run_id = any(array(select distinct run_id from n))
              and not exists (select 1 from n where n.run_id = s.run_id and n.span_id = s.span_id)
          ),
          first as (
            select distinct on (s.run_id) s.run_id, (e.value->>'at')::numeric as at, s.start_ns, s.span_id, e.ord
            from otel_spans s join n on n.run_id = s.run_id and n.span_id = s.span_id
            cross join lateral jsonb_array_elements(s.events) with ordinality as e(value, ord)
            where s.run_id in (select run_id from old)
            order by s.run_id, ${timeline}
          ),
          late as (
            select a.run_id from (select distinct run_id from n) a
            left join first f on f.run_id = a.run_id
            where (select count(*) from run_events ev where ev.run_id = a.run_id)
                    <> coalesce((select sum(jsonb_array_length(s.events)) from old s where s.run_id = a.run_id), 0)
               or exists (
                 select 1 from old s
                 cross join lateral jsonb_array_elements(s.events) with ordinality as e(value, ord)
                 where s.run_id = f.run_id and (${timeline}) > (f.at, f.start_ns, f.span_id, f.ord))
          )
          delete from run_events where run_id = any(array(select run_id from late))`,
            },
          ]),
      {
        // Runs without stored events get all their spans' events; the others only the new spans',
        // after their last seq (every new event comes later on the timeline than the stored ones).
        // Then the step every event path shares (src/server/events/after-store): counters, the new
        // spans' tokens and their price, search words (restarted for runs laid out again).
        phase: 'events store',
        query: sql`with ${newSpans},
          prior as (
            select a.id as run_id, (select max(ev.seq) from run_events ev where ev.run_id = a.id) as last
            from ${inAffected} as a(id)
          ),
          src as (
            select s.run_id, s.start_ns, s.span_id, e.value, e.ord
            from otel_spans s join prior on prior.run_id = s.run_id and prior.last is null
            cross join lateral jsonb_array_elements(s.events) with ordinality as e(value, ord)
            union all
            select s.run_id, s.start_ns, s.span_id, e.value, e.ord
            from n join prior on prior.run_id = n.run_id and prior.last is not null
            join otel_spans s on s.run_id = n.run_id and s.span_id = n.span_id
            cross join lateral jsonb_array_elements(s.events) with ordinality as e(value, ord)
          ),
          ins as (
            insert into run_events (run_id, seq, type, ts, payload)
            select e.run_id,
                   (coalesce(prior.last, -1) + row_number() over (partition by e.run_id
                      order by (e.value->>'at')::numeric, e.start_ns, e.span_id, e.ord))::int,
                   e.value->>'type',
                   to_timestamp(((e.value->>'at')::numeric / 1000000)::float8 / 1000),
                   coalesce(e.value->'payload', '{}'::jsonb)
            from src e join prior on prior.run_id = e.run_id
            returning ${storedEventReturning()}
          ),
          base as (select run_id, last is null as fresh from prior),
          usage as (
            select s.run_id, 0 as ord, s.span_id as key, ${spanEnd('s.')} as at, s.usage as payload
            from (select distinct run_id, span_id from n) n
            join otel_spans s on s.run_id = n.run_id and s.span_id = n.span_id
            where s.usage is not null
          ),
          ${afterEventsStoredSql(projectId, {
            // The words of the new spans' events, computed here (searchWordsOf), for the runs they
            // are appended to or that have no other spans; a run laid out again from older spans too
            // takes its words from the stored events.
            wordsByRun: sql`select b.run_id, w.value as text
              from base b join jsonb_each_text(${words}::jsonb) w on w.key::uuid = b.run_id
              join (select run_id, count(*) as spans from n group by run_id) nc on nc.run_id = b.run_id
              where not b.fresh or (select count(*) from otel_spans s where s.run_id = b.run_id) = nc.spans`,
          })}
          select count(*)::int as runs from upd`,
      },
    ],
    phases,
  );
}
