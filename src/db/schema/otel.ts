import { sql } from 'drizzle-orm';
import {
  boolean,
  foreignKey,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  uuid,
} from 'drizzle-orm/pg-core';
import { tstz } from './columns';
import { projectRef } from './projects';
import { runs } from './runs';

/**
 * The spans an OTLP export delivered, one row per span of a trace's run. The run's events are derived
 * from these rows (each span's own `events`), so re-sent or reordered exports assemble the same run.
 */
export const otelSpans = pgTable(
  'otel_spans',
  {
    projectId: projectRef(),
    runId: uuid().notNull(),
    /** Hex span id: keys the span's events within its trace. */
    spanId: text().notNull(),
    parentSpanId: text(),
    name: text().notNull(),
    /** Nanoseconds since the epoch (OTLP precision): orders events that share a millisecond. */
    startNs: numeric({ precision: 20, scale: 0 }).notNull(),
    endNs: numeric({ precision: 20, scale: 0 }).notNull(),
    /** The run events this span maps to: [{ type, payload, at (ns) }]. */
    events: jsonb().$type<{ type: string; payload: unknown; at: string }[]>().notNull(),
    /** A model call's tokens { inputTokens, outputTokens, model? }; null for other spans. */
    usage: jsonb().$type<{ inputTokens: number; outputTokens: number; model?: string }>(),
    /** True once the usage is in the ledger (it waits for the run's userId, the quota subject). */
    ledgered: boolean().notNull().default(false),
    createdAt: tstz().notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'otel_spans_pk', columns: [t.runId, t.spanId, t.projectId] }),
    foreignKey({
      name: 'otel_spans_run_fk',
      columns: [t.projectId, t.runId],
      foreignColumns: [runs.projectId, runs.id],
    }).onDelete('cascade'),
  ],
);

export type OtelSpanRow = typeof otelSpans.$inferSelect;

/** A `gen_ai.evaluation.result` event, decoded (the GenAI semantic conventions' attributes). */
export type OtelEvaluation = {
  name: string;
  scoreValue?: number;
  scoreLabel?: string;
  explanation?: string;
  responseId?: string;
  errorType?: string;
};

/**
 * The OTLP log records (and the `gen_ai.evaluation.result` events of spans) a project received, each
 * kept once. A record correlated to a span (trace and span id) or to a model response
 * (`gen_ai.response.id`) waits here, `run_id` null, until that run or response has arrived; attached,
 * it is also a row of `otel_spans` (span id `log:<record key>`), which lays it out as a run event.
 */
export const otelLogRecords = pgTable(
  'otel_log_records',
  {
    projectId: projectRef(),
    /** A hash of the record (or of the span event): the same record sent again is stored once. */
    recordKey: text().notNull(),
    /** `log` (an OTLP log record) or `span-event` (an event of a span). */
    source: text().$type<'log' | 'span-event'>().notNull(),
    /** The run it belongs to; null while its span or response has not arrived. */
    runId: uuid(),
    traceId: text(),
    spanId: text(),
    /** `gen_ai.response.id`: correlates a record that has no span id to the model call it is about. */
    responseId: text(),
    /** Nanoseconds since the epoch. */
    timeNs: numeric({ precision: 20, scale: 0 }).notNull(),
    eventName: text(),
    severityNumber: integer().notNull().default(0),
    severityText: text(),
    body: jsonb(),
    attributes: jsonb().$type<Record<string, unknown>>().notNull(),
    /** The decoded evaluation, for a `gen_ai.evaluation.result` event (a score of its run). */
    evaluation: jsonb().$type<OtelEvaluation>(),
    createdAt: tstz().notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.recordKey] }),
    foreignKey({
      name: 'otel_log_records_run_fk',
      columns: [t.projectId, t.runId],
      foreignColumns: [runs.projectId, runs.id],
    }).onDelete('cascade'),

    index('otel_log_records_run_idx').on(t.runId),
    index('otel_log_records_pending_trace_idx')
      .on(t.projectId, t.traceId)
      .where(sql`${t.runId} is null and ${t.traceId} is not null`),
    index('otel_log_records_pending_response_idx')
      .on(t.projectId, t.responseId)
      .where(sql`${t.runId} is null and ${t.responseId} is not null`),
  ],
);

export type OtelLogRecordRow = typeof otelLogRecords.$inferSelect;

/**
 * Which span of which run answered with a model response id (`gen_ai.response.id`): how a log record
 * that names only the response finds its run.
 */
export const otelResponseIds = pgTable(
  'otel_response_ids',
  {
    projectId: projectRef(),
    responseId: text().notNull(),
    runId: uuid().notNull(),
    traceId: text().notNull(),
    spanId: text().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.responseId] }),
    foreignKey({
      name: 'otel_response_ids_run_fk',
      columns: [t.projectId, t.runId],
      foreignColumns: [runs.projectId, runs.id],
    }).onDelete('cascade'),

    index('otel_response_ids_run_idx').on(t.runId),
  ],
);
