import { boolean, jsonb, numeric, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { tstz } from './columns';
import { runs } from './runs';

/**
 * The spans an OTLP export delivered, one row per span of a trace's run. The run's events are derived
 * from these rows (each span's own `events`), so re-sent or reordered exports assemble the same run.
 */
export const otelSpans = pgTable(
  'otel_spans',
  {
    runId: uuid()
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
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
  (t) => [primaryKey({ columns: [t.runId, t.spanId] })],
);

export type OtelSpanRow = typeof otelSpans.$inferSelect;
