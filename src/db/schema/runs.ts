import { getTableColumns, sql } from 'drizzle-orm';
import {
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  numeric,
  pgEnum,
  pgTable,
  text,
  uuid,
  bigint,
  primaryKey,
  customType,
  foreignKey,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { runKinds, runStatuses } from '../../lib/enums';
import { lifecycleDates, tstz } from './columns';
import { projectRef } from './projects';

export const runStatus = pgEnum('run_status', runStatuses);
export const runKind = pgEnum('run_kind', runKinds);

/** A Postgres tsvector; written only by SQL (to_tsvector), never read into JS. */
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/** Who set a run's cost: the client, or runledger from the price table (only those are recomputed). */
export const costSource = pgEnum('cost_source', ['client', 'price']);

export const runs = pgTable(
  'runs',
  {
    /** Chosen by the client or generated; unique within the project (another project may use it too). */
    id: uuid().notNull().defaultRandom(),
    projectId: projectRef(),
    kind: runKind().notNull().default('chat'),
    name: text().notNull(),
    status: runStatus().notNull().default('running'),
    /** Groups the runs of one conversation. */
    threadId: text(),
    /** The run this one was started from, of the same project; null when that run is deleted. */
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
    /** Null while the run has no cost. */
    costSource: costSource(),
    /**
     * The words of the run's content (user messages, assistant text, tool names, errors), without
     * positions; grown by every event append in its transaction (src/server/search).
     */
    search: tsvector(),
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
    // By id within a project (a lookup by id and project uses the key's index).
    primaryKey({ name: 'runs_pk', columns: [t.id, t.projectId] }),
    // The target of the (project_id, run_id) foreign keys.
    uniqueIndex('runs_project_id_unique').on(t.projectId, t.id),
    // No action on delete: deleting a run clears its children's parent_run_id first (src/server/runs).
    foreignKey({
      name: 'runs_parent_fk',
      columns: [t.projectId, t.parentRunId],
      foreignColumns: [t.projectId, t.id],
    }),
    index('runs_project_created_idx').on(t.projectId, t.createdAt.desc(), t.id.desc()),
    index('runs_project_status_created_idx').on(t.projectId, t.status, t.createdAt.desc(), t.id.desc()),
    index('runs_project_kind_created_idx').on(t.projectId, t.kind, t.createdAt.desc(), t.id.desc()),
    index('runs_project_user_created_idx').on(t.projectId, t.userId, t.createdAt.desc(), t.id.desc()),
    index('runs_project_thread_created_idx').on(t.projectId, t.threadId, t.createdAt.desc(), t.id.desc()),
    index('runs_project_model_created_idx').on(t.projectId, t.model, t.createdAt.desc(), t.id.desc()),
    // Deleting a run clears its children's parent_run_id: found by this index, not a scan.
    index('runs_parent_idx').on(t.parentRunId).where(sql`${t.parentRunId} is not null`),
    index('runs_tags_gin_idx').using('gin', t.tags),
    // `metadata @> {key: value}` (the metadata filters): jsonb_path_ops indexes key-value paths, not keys.
    index('runs_metadata_gin_idx').using('gin', t.metadata.op('jsonb_path_ops')),
    // The search box (name ILIKE '%term%'): trigrams find rare terms without reading the project.
    index('runs_name_trgm_idx').using('gin', t.name.op('gin_trgm_ops')),
    index('runs_search_gin_idx').using('gin', t.search),
    check('runs_name_length', sql`char_length(${t.name}) between 1 and 200`),
  ],
);

export const runResults = pgTable(
  'run_results',
  {
    id: uuid().defaultRandom().notNull(),
    projectId: projectRef(),
    runId: uuid().notNull(),
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
  (t) => [
    primaryKey({ name: 'run_results_pk', columns: [t.id, t.projectId] }),
    uniqueIndex('run_results_run_item_unique').on(t.runId, t.itemId, t.projectId),
    foreignKey({
      name: 'run_results_run_fk',
      columns: [t.projectId, t.runId],
      foreignColumns: [runs.projectId, runs.id],
    }).onDelete('cascade'),
  ],
);

/**
 * The distinct models of a project's runs: the history page's model filter reads this instead of a
 * DISTINCT over every run. Kept by triggers on runs (custom migration); retention removes models
 * no run uses any more.
 */
export const runModels = pgTable(
  'run_models',
  {
    projectId: projectRef(),
    model: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.model] })],
);

/**
 * Run cost per UTC day of the run's start (its creation when it has none), model and user, for the
 * usage page's cost charts: kept by row triggers on runs (custom migration) whenever a run's cost,
 * model, user or times change, and when it is deleted. `usd` is numeric so what a trigger subtracts
 * cancels exactly what it added. '' stands for a run without a model or user.
 */
export const runCostDaily = pgTable(
  'run_cost_daily',
  {
    projectId: projectRef(),
    day: tstz().notNull(),
    model: text().notNull().default(''),
    userId: text().notNull().default(''),
    usd: numeric().notNull().default('0'),
    /** Runs with a cost above 0 in this cell. */
    runs: integer().notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.day, t.model, t.userId] })],
);

/** Every column but `search` (words for the index, never needed in JS): select runs with these. */
const { search: _search, ...runColumnsWithoutSearch } = getTableColumns(runs);
export const runColumns = runColumnsWithoutSearch;

export type Run = Omit<typeof runs.$inferSelect, 'search'>;
export type NewRun = typeof runs.$inferInsert;
export type RunResult = typeof runResults.$inferSelect;
export type RunStatus = (typeof runStatus.enumValues)[number];
export type RunKind = (typeof runKind.enumValues)[number];
