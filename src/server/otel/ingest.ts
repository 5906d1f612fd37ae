import 'server-only';
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { queryRows } from '@/db/sql';
import { recordRunUsage } from '../usage';
import type { OtelSpan } from './decode';
import { mapSpan } from './map';
import { rootFacts, traceFacts, traceRunId } from './trace';

export type IngestResult = {
  runs: number;
  spans: number;
  newSpans: number;
  /** Spans refused because their trace's run id is taken by another project's run. */
  refused: number;
};

/**
 * Stores the spans of one OTLP export, each trace as a run, in one transaction:
 * 1. every trace's run exists (a placeholder `running` run until its root span arrives) and learns
 *    what this export says about its user, thread and model; a root span sets name, status and times;
 * 2. spans are stored once, keyed by (run, span id): a span already stored is ignored;
 * 3. the events of each run that got new spans are rebuilt from all its spans, ordered by time, so
 *    the run is the same whatever order and however often the spans arrived;
 * 4. model-call usage not yet in the ledger is recorded once (idempotency key from the span ids)
 *    against the run's user, as soon as the run has one.
 */
export async function ingestSpans(db: DbOrTx, projectId: string, spans: OtelSpan[]): Promise<IngestResult> {
  if (spans.length === 0) return { runs: 0, spans: 0, newSpans: 0, refused: 0 };
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

  return db.transaction(async (tx) => {
    // Concurrent exports of one trace take turns (a run's events are rebuilt as a whole); the locks
    // are taken in id order so that two exports sharing several traces cannot deadlock.
    await tx.execute(
      sql`select pg_advisory_xact_lock(hashtextextended('otel-run:' || id, 0))
          from (select value as id from jsonb_array_elements_text(${JSON.stringify(
            traces.map((t) => t.runId),
          )}::jsonb) order by 1) ids`,
    );
    await upsertRuns(tx, projectId, traces);
    // A run id is derived from the project, but a client may create a run with any id: a trace
    // whose id is held by another project's run is refused, never written into that run.
    const foreign = new Set(
      (
        await queryRows<{ id: string }>(
          tx,
          sql`select id from runs where id in (select value::uuid from jsonb_array_elements_text(${JSON.stringify(
            traces.map((t) => t.runId),
          )}::jsonb)) and project_id <> ${projectId}::uuid`,
        )
      ).map((r) => r.id),
    );
    const kept = foreign.size ? spans.filter((s) => !foreign.has(runOf.get(s.traceId)!)) : spans;
    const inserted = await insertSpans(tx, kept, runOf);
    const affected = [...new Set(inserted.map((r) => r.run_id))];
    if (affected.length > 0) {
      await rebuildEvents(tx, affected);
      await ledgerUsage(tx, projectId, affected);
    }
    return {
      runs: traces.length - foreign.size,
      spans: kept.length,
      newSpans: inserted.length,
      refused: spans.length - kept.length,
    };
  });
}

async function insertSpans(tx: DbOrTx, spans: OtelSpan[], runOf: Map<string, string>) {
  if (spans.length === 0) return [];
  const spanRows = spans.map((s) => {
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

  return queryRows<{ run_id: string }>(
    tx,
    sql`insert into otel_spans (run_id, span_id, parent_span_id, name, start_ns, end_ns, events, usage)
        select x.run_id, x.span_id, x.parent_span_id, x.name, x.start_ns, x.end_ns, x.events, x.usage
        from jsonb_to_recordset(${JSON.stringify(spanRows)}::jsonb) as x(run_id uuid, span_id text,
             parent_span_id text, name text, start_ns numeric, end_ns numeric, events jsonb, usage jsonb)
        on conflict (run_id, span_id) do nothing
        returning run_id`,
  );
}

type TraceRow = {
  traceId: string;
  runId: string;
  facts: ReturnType<typeof traceFacts>;
  root: ReturnType<typeof rootFacts> | null;
};

async function upsertRuns(tx: DbOrTx, projectId: string, traces: TraceRow[]) {
  const rows = traces.map((t) => ({
    id: t.runId,
    name: `trace ${t.traceId.slice(0, 8)}`,
    user_id: t.facts.userId,
    thread_id: t.facts.threadId,
    model: t.facts.model,
    started_at: t.facts.startedAt,
    metadata: { otelTraceId: t.traceId },
  }));
  // Placeholders for new traces; what a span says about user/thread/model fills only what is unknown.
  // The WHERE keeps a re-sent export from touching a run it cannot change.
  await tx.execute(
    sql`insert into runs (id, project_id, kind, name, status, user_id, thread_id, model, started_at, metadata)
        select x.id, ${projectId}::uuid, 'chat', x.name, 'running', x.user_id, x.thread_id, x.model, x.started_at, x.metadata
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(id uuid, name text, user_id text,
             thread_id text, model text, started_at timestamptz, metadata jsonb)
        on conflict (id) do update set
          user_id = coalesce(runs.user_id, excluded.user_id),
          thread_id = coalesce(runs.thread_id, excluded.thread_id),
          model = coalesce(runs.model, excluded.model),
          started_at = least(runs.started_at, excluded.started_at),
          updated_at = now()
        where runs.project_id = excluded.project_id and (
          (runs.user_id is null and excluded.user_id is not null)
          or (runs.thread_id is null and excluded.thread_id is not null)
          or (runs.model is null and excluded.model is not null)
          or excluded.started_at < runs.started_at)`,
  );
  const roots = traces.filter((t) => t.root).map((t) => ({ id: t.runId, ...t.root! }));
  if (roots.length === 0) return;
  await tx.execute(
    sql`update runs r set name = x.name, status = x.status::run_status, started_at = x."startedAt",
          ended_at = x."endedAt", error = x.error, output = coalesce(x.output, r.output),
          tags = array(select jsonb_array_elements_text(x.tags)), metadata = r.metadata || x.metadata,
          updated_at = now()
        from jsonb_to_recordset(${JSON.stringify(roots)}::jsonb) as x(id uuid, name text, status text,
             "startedAt" timestamptz, "endedAt" timestamptz, error jsonb, output jsonb, tags jsonb, metadata jsonb)
        where r.id = x.id and r.project_id = ${projectId}::uuid
          and (r.name, r.status::text, r.started_at, r.ended_at, r.error, r.tags)
            is distinct from (x.name, x.status, x."startedAt", x."endedAt", x.error, array(select jsonb_array_elements_text(x.tags)))`,
  );
}

/**
 * Re-derives the events of the given runs from their spans: one seq per event, in timeline order
 * (event time, then span start, span id and the event's place in its span), and the run's counters
 * and token totals from the same rows.
 */
async function rebuildEvents(tx: DbOrTx, runIds: string[]) {
  const ids = JSON.stringify(runIds);
  await tx.execute(
    sql`delete from run_events where run_id in (select value::uuid from jsonb_array_elements_text(${ids}::jsonb))`,
  );
  await tx.execute(
    sql`insert into run_events (run_id, seq, type, ts, payload)
        select s.run_id,
               (row_number() over (partition by s.run_id
                  order by (e.value->>'at')::numeric, s.start_ns, s.span_id, e.ord) - 1)::int,
               e.value->>'type',
               to_timestamp(((e.value->>'at')::numeric / 1000000)::float8 / 1000),
               coalesce(e.value->'payload', '{}'::jsonb)
        from otel_spans s
        cross join lateral jsonb_array_elements(s.events) with ordinality as e(value, ord)
        where s.run_id in (select value::uuid from jsonb_array_elements_text(${ids}::jsonb))`,
  );
  await tx.execute(
    sql`update runs r set
          event_count = agg.events, last_seq = case when agg.events > 0 then agg.events - 1 end,
          input_tokens = agg.input_tokens, output_tokens = agg.output_tokens,
          total_tokens = agg.input_tokens + agg.output_tokens, updated_at = now()
        from (
          select s.run_id,
                 sum(jsonb_array_length(s.events))::int as events,
                 coalesce(sum((s.usage->>'inputTokens')::bigint), 0) as input_tokens,
                 coalesce(sum((s.usage->>'outputTokens')::bigint), 0) as output_tokens
          from otel_spans s
          where s.run_id in (select value::uuid from jsonb_array_elements_text(${ids}::jsonb))
          group by s.run_id
        ) agg
        where r.id = agg.run_id`,
  );
}

/** Usage of spans not yet in the ledger, per run whose user (the quota subject) is known. */
async function ledgerUsage(tx: DbOrTx, projectId: string, runIds: string[]) {
  const pending = await queryRows<{
    run_id: string;
    user_id: string;
    span_ids: string[] | string;
    input_tokens: string | number;
    output_tokens: string | number;
    model: string | null;
  }>(
    tx,
    sql`with due as (
          update otel_spans s set ledgered = true
          from runs r
          where s.run_id = r.id and r.user_id is not null and s.usage is not null and not s.ledgered
            and s.run_id in (select value::uuid from jsonb_array_elements_text(${JSON.stringify(runIds)}::jsonb))
          returning s.run_id, r.user_id, s.span_id, s.usage
        )
        select run_id, user_id, array_agg(span_id order by span_id) as span_ids,
               sum((usage->>'inputTokens')::bigint) as input_tokens,
               sum((usage->>'outputTokens')::bigint) as output_tokens,
               min(usage->>'model') as model
        from due group by run_id, user_id
        order by user_id, run_id`,
  );
  // In subject order: each record takes its subject's counter lock, and concurrent exports must take
  // them in the same order.
  for (const p of pending) {
    const spanIds = Array.isArray(p.span_ids) ? p.span_ids : p.span_ids.replace(/[{}]/g, '').split(',');
    const key = createHash('sha256').update(spanIds.join(',')).digest('hex').slice(0, 32);
    await recordRunUsage(tx, projectId, {
      runId: p.run_id,
      userId: p.user_id,
      inputTokens: Number(p.input_tokens),
      outputTokens: Number(p.output_tokens),
      model: p.model,
      idempotencyKey: `otel:${p.run_id}:${key}`,
    });
  }
}
