import { sql } from 'drizzle-orm';
import {
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  uuid,
  bigint,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { runKinds, runStatuses } from '../../lib/enums';
import { lifecycleDates, tstz } from './columns';
import { projects } from './projects';

export const runStatus = pgEnum('run_status', runStatuses);
export const runKind = pgEnum('run_kind', runKinds);

export const runs = pgTable(
  'runs',
  {
    id: uuid().primaryKey().defaultRandom(),
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    kind: runKind().notNull().default('chat'),
    name: text().notNull(),
    status: runStatus().notNull().default('running'),
    /** Groups the runs of one conversation. */
    threadId: text(),
    parentRunId: uuid(),
    /** The end user; the default quota subject. */
    userId: text(),
    model: text(),
    input: jsonb(),
    output: jsonb(),
    error: jsonb(),
    metadata: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    tags: text().array().notNull().default(sql`'{}'::text[]`),
    startedAt: tstz(),
    /** Null while the run is not finished. */
    endedAt: tstz(),
    ...lifecycleDates,
    eventCount: integer().notNull().default(0),
    /** Highest stored event seq; null with no events. */
    lastSeq: integer(),
    inputTokens: bigint({ mode: 'number' }).notNull().default(0),
    outputTokens: bigint({ mode: 'number' }).notNull().default(0),
    totalTokens: bigint({ mode: 'number' }).notNull().default(0),
    costUsd: doublePrecision().notNull().default(0),
    // Dataset runs: one target over one dataset version.
    datasetId: text(),
    datasetVersion: integer(),
    targetType: text(),
    targetId: text(),
    totalItems: integer(),
    succeededCount: integer().notNull().default(0),
    failedCount: integer().notNull().default(0),
  },
  (t) => [
    index('runs_project_created_idx').on(t.projectId, t.createdAt.desc(), t.id.desc()),
    index('runs_project_status_created_idx').on(t.projectId, t.status, t.createdAt.desc(), t.id.desc()),
    index('runs_project_kind_created_idx').on(t.projectId, t.kind, t.createdAt.desc(), t.id.desc()),
    index('runs_project_user_created_idx').on(t.projectId, t.userId, t.createdAt.desc(), t.id.desc()),
    index('runs_project_thread_created_idx').on(t.projectId, t.threadId, t.createdAt.desc(), t.id.desc()),
    index('runs_project_model_created_idx').on(t.projectId, t.model, t.createdAt.desc(), t.id.desc()),
    index('runs_tags_gin_idx').using('gin', t.tags),
    // The search box (name ILIKE '%term%'): trigrams find rare terms without reading the project.
    index('runs_name_trgm_idx').using('gin', t.name.op('gin_trgm_ops')),
    check('runs_name_length', sql`char_length(${t.name}) between 1 and 200`),
  ],
);

export const runResults = pgTable(
  'run_results',
  {
    id: uuid().primaryKey().defaultRandom(),
    runId: uuid()
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    itemId: text().notNull(),
    itemVersion: integer(),
    input: jsonb(),
    output: jsonb(),
    groundTruth: jsonb(),
    latencyMs: doublePrecision().notNull(),
    /** Null when the item succeeded. */
    error: jsonb(),
    startedAt: tstz().notNull(),
    completedAt: tstz().notNull(),
    retryCount: integer().notNull().default(0),
    createdAt: tstz().notNull().defaultNow(),
  },
  (t) => [uniqueIndex('run_results_run_item_unique').on(t.runId, t.itemId)],
);

export type Run = typeof runs.$inferSelect;
export type NewRun = typeof runs.$inferInsert;
export type RunResult = typeof runResults.$inferSelect;
export type RunStatus = (typeof runStatus.enumValues)[number];
export type RunKind = (typeof runKind.enumValues)[number];
