import 'server-only';
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import type { OtelEvaluation } from '@/db/schema';
import { queryRows } from '@/db/sql';
import type { TranscriptEvent } from '@runledger/sdk/transcript';
import { insertObservedScores } from '../scores/observed';
import type { OtelValue } from './decode';
import type { OtelLogRecord } from './decode-logs';
import { EVALUATION_EVENT, evaluationEvent, evaluationOf, evaluationScore } from './evaluation';
import { placeEvaluationScores } from './evaluation-steps';
import { storeSpanRows } from './ingest';
import { str } from './map';
import type { SpanRow, TraceRow } from './span-rows';
import { nsToIso, traceRunId } from './trace';

export type LogIngestResult = {
  /** Records stored now (a record sent again is not counted). */
  newRecords: number;
  /** Of those, the ones attached to their run at once (the others wait for it). */
  attached: number;
  /** Records refused: correlated to nothing (no trace id, no `gen_ai.response.id`). */
  uncorrelated: number;
};

/** A row of otel_log_records as the statements here write and read it. */
export type RecordRow = {
  record_key: string;
  source: 'log' | 'span-event';
  run_id: string | null;
  trace_id: string | null;
  span_id: string | null;
  response_id: string | null;
  time_ns: string;
  event_name: string | null;
  severity_number: number;
  severity_text: string | null;
  body: OtelValue;
  attributes: Record<string, unknown>;
  evaluation: OtelEvaluation | null;
};

export const keyOf = (parts: unknown[]) =>
  createHash('sha256')
    .update(JSON.stringify(parts, (_k, v) => (typeof v === 'bigint' ? String(v) : v)))
    .digest('hex')
    .slice(0, 32);

const jsonIds = (ids: Iterable<string>) =>
  sql`array(select jsonb_array_elements_text(${JSON.stringify([...ids])}::jsonb))`;

/**
 * Stores the log records of one OTLP export, once each (keyed by a hash of the record), and attaches
 * those whose run has arrived (by trace id, else by `gen_ai.response.id`) as events of the run; the
 * others wait (otel_log_records, run_id null) and are attached when their run's spans arrive
 * (ingestSpans). A record correlated to nothing is refused (counted in `uncorrelated`).
 */
export async function ingestLogRecords(
  db: DbOrTx,
  projectId: string,
  records: OtelLogRecord[],
): Promise<LogIngestResult> {
  const rows = new Map<string, RecordRow>();
  let uncorrelated = 0;
  for (const r of records) {
    const responseId = str(r.attributes['gen_ai.response.id'])?.slice(0, 500) ?? null;
    if (!r.traceId && !responseId) {
      uncorrelated++;
      continue;
    }
    const row: RecordRow = {
      record_key: keyOf([
        r.timeNs,
        r.traceId,
        r.spanId,
        r.severityNumber,
        r.severityText,
        r.eventName,
        r.body,
        r.attributes,
        r.resource,
        r.scope,
      ]),
      source: 'log',
      run_id: null,
      trace_id: r.traceId,
      span_id: r.spanId,
      response_id: responseId,
      time_ns: String(r.timeNs),
      event_name: r.eventName,
      severity_number: r.severityNumber,
      severity_text: r.severityText,
      body: r.body,
      attributes: r.attributes,
      evaluation: r.eventName === EVALUATION_EVENT ? evaluationOf(r.attributes) : null,
    };
    rows.set(row.record_key, row);
  }
  const inserted = await insertRecords(db, projectId, [...rows.values()]);
  const attached = inserted.length ? await attachPending(db, projectId, { keys: inserted }) : 0;
  return { newRecords: inserted.length, attached, uncorrelated };
}

/** Inserts records not stored yet (a record of a run of another project is never written); returns their keys. */
export async function insertRecords(db: DbOrTx, projectId: string, rows: RecordRow[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const inserted = await queryRows<{ record_key: string }>(
    db,
    sql`insert into otel_log_records (project_id, record_key, source, run_id, trace_id, span_id, response_id,
        time_ns, event_name, severity_number, severity_text, body, attributes, evaluation)
      select ${projectId}::uuid, x.record_key, x.source, x.run_id, x.trace_id, x.span_id, x.response_id, x.time_ns,
        x.event_name, x.severity_number, x.severity_text, x.body, x.attributes, x.evaluation
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(record_key text, source text, run_id uuid,
        trace_id text, span_id text, response_id text, time_ns numeric, event_name text, severity_number int,
        severity_text text, body jsonb, attributes jsonb, evaluation jsonb)
      where x.run_id is null or exists (select 1 from runs r where r.id = x.run_id and r.project_id = ${projectId}::uuid)
      on conflict (project_id, record_key) do nothing
      returning record_key`,
  );
  return inserted.map((r) => r.record_key);
}

/**
 * Attaches the waiting records that match (by key, trace id or response id) and whose run now exists:
 * each becomes a row of otel_spans (`log:<key>`, a child of the span it names), laid out as a run
 * event by the span store, then is marked with its run; an evaluation also becomes a score of the run
 * (evaluationScore). Safe to repeat: the span row and the score are stored once.
 * Returns how many were attached.
 */
export async function attachPending(
  db: DbOrTx,
  projectId: string,
  match: { keys?: string[]; traceIds?: string[]; responseIds?: string[] },
): Promise<number> {
  const conditions = [
    match.keys?.length ? sql`record_key = any(${jsonIds(match.keys)})` : null,
    match.traceIds?.length ? sql`trace_id = any(${jsonIds(match.traceIds)})` : null,
    match.responseIds?.length ? sql`response_id = any(${jsonIds(match.responseIds)})` : null,
  ].filter((c) => c !== null);
  if (conditions.length === 0) return 0;
  const pending = await queryRows<RecordRow>(
    db,
    sql`select record_key, source, run_id, trace_id, span_id, response_id, time_ns::text as time_ns, event_name,
        severity_number, severity_text, body, attributes, evaluation
      from otel_log_records
      where project_id = ${projectId}::uuid and run_id is null and (${sql.join(conditions, sql` or `)})`,
  );
  if (pending.length === 0) return 0;
  const responses = new Map<string, { run_id: string; trace_id: string; span_id: string }>();
  const wanted = [...new Set(pending.filter((r) => !r.trace_id && r.response_id).map((r) => r.response_id!))];
  if (wanted.length) {
    const found = await queryRows<{ response_id: string; run_id: string; trace_id: string; span_id: string }>(
      db,
      sql`select response_id, run_id::text as run_id, trace_id, span_id from otel_response_ids
        where project_id = ${projectId}::uuid and response_id = any(${jsonIds(wanted)})`,
    );
    for (const f of found) responses.set(f.response_id, f);
  }
  // Where each record goes: its trace's run (a child of its span), else the run of its response's span.
  const placed = pending.flatMap((r) => {
    const byResponse = r.trace_id ? undefined : responses.get(r.response_id ?? '');
    const traceId = r.trace_id ?? byResponse?.trace_id;
    if (!traceId) return [];
    const runId = byResponse?.run_id ?? traceRunId(projectId, traceId);
    return [{ ...r, run_id: runId, trace_id: traceId, span_id: r.span_id ?? byResponse?.span_id ?? null }];
  });
  const existing = new Set(
    (
      await queryRows<{ id: string }>(
        db,
        sql`select id::text as id from runs
          where id = any(${jsonIds(new Set(placed.map((r) => r.run_id)))}::uuid[]) and project_id = ${projectId}::uuid`,
      )
    ).map((r) => r.id),
  );
  const ready = placed.filter((r) => existing.has(r.run_id));
  if (ready.length === 0) return 0;
  const traces = new Map<string, TraceRow>();
  for (const r of ready) {
    if (traces.has(r.run_id)) continue;
    traces.set(r.run_id, {
      traceId: r.trace_id,
      runId: r.run_id,
      facts: { userId: null, threadId: null, model: null, startedAt: nsToIso(BigInt(r.time_ns)) },
      root: null,
    });
  }
  const spanRows: SpanRow[] = ready.map((r) => ({
    run_id: r.run_id,
    span_id: `log:${r.record_key}`,
    parent_span_id: r.span_id,
    name: (r.event_name ?? 'log').slice(0, 500),
    start_ns: r.time_ns,
    end_ns: r.time_ns,
    events: [{ ...recordEvent(r), at: r.time_ns }],
    usage: null,
  }));
  await storeSpanRows(db, projectId, [...traces.values()], spanRows);
  await queryRows(
    db,
    sql`update otel_log_records l set run_id = x.run_id, trace_id = x.trace_id, span_id = x.span_id
      from jsonb_to_recordset(${JSON.stringify(ready)}::jsonb) as x(record_key text, run_id uuid, trace_id text, span_id text)
      where l.project_id = ${projectId}::uuid and l.record_key = x.record_key and l.run_id is null`,
  );
  await insertObservedScores(
    db,
    projectId,
    ready.flatMap((r) => (r.evaluation ? [evaluationScore(r.evaluation, r.record_key, r.run_id)] : [])),
  );
  // A record laid out earlier than a run's last event lays the run out again: its steps move.
  await placeEvaluationScores(db, projectId, [...traces.keys()]);
  return ready.length;
}

const SEVERITY = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];

/** The run event of a record: an evaluation, or a log line readable at a glance (`text`). */
function recordEvent(r: RecordRow): TranscriptEvent {
  if (r.evaluation) return evaluationEvent(r.evaluation, r.span_id);
  const severity =
    r.severity_text ??
    (r.severity_number > 0 ? SEVERITY[Math.min(5, Math.floor((r.severity_number - 1) / 4))] : null);
  const text =
    typeof r.body === 'string' ? r.body : r.body === null ? (r.event_name ?? '') : JSON.stringify(r.body);
  return {
    type: 'log',
    payload: {
      text,
      ...(severity ? { severity } : {}),
      ...(r.event_name ? { eventName: r.event_name } : {}),
      ...(r.span_id ? { spanId: r.span_id } : {}),
      attributes: r.attributes,
    },
  };
}
