import { bigint, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { tstz } from './columns';
import { runs } from './runs';

export const runEvents = pgTable(
  'run_events',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    runId: uuid()
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    /** Client-chosen order within the run; unique per run, gaps allowed. */
    seq: integer().notNull(),
    type: text().notNull(),
    /** When it happened at the source (default: when received). */
    ts: tstz().notNull().defaultNow(),
    payload: jsonb().notNull().default({}),
    createdAt: tstz().notNull().defaultNow(),
  },
  (t) => [uniqueIndex('run_events_run_seq_unique').on(t.runId, t.seq)],
);

export type RunEvent = typeof runEvents.$inferSelect;
