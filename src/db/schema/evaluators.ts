import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  doublePrecision,
  foreignKey,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { EvaluatorConfig, EvaluatorFilter } from '../../lib/contract/evaluators';
import { evaluationStatuses } from '../../lib/enums';
import { lifecycleDates, tstz } from './columns';
import { projectRef } from './projects';
import { runResults, runs } from './runs';

export const evaluationStatus = pgEnum('evaluation_status', evaluationStatuses);

/** An OpenAI-compatible endpoint a project's LLM judges call. */
export const llmProviders = pgTable(
  'llm_providers',
  {
    id: uuid().defaultRandom().notNull(),
    projectId: projectRef(),
    name: text().notNull(),
    baseUrl: text().notNull(),
    /** AES-256-GCM ciphertext of the API key (src/server/evaluators/secrets.ts); null: none needed. */
    apiKeyCipher: text(),
    ...lifecycleDates,
  },
  (t) => [
    primaryKey({ name: 'llm_providers_pk', columns: [t.id, t.projectId] }),
    uniqueIndex('llm_providers_project_name_unique').on(t.projectId, t.name),
  ],
);

/** A check that scores runs or dataset results; its scores are named after it. */
export const evaluators = pgTable(
  'evaluators',
  {
    id: uuid().defaultRandom().notNull(),
    projectId: projectRef(),
    name: text().notNull(),
    /** What it checks, by type (the contract's evaluatorConfig). */
    config: jsonb().$type<EvaluatorConfig>().notNull(),
    /** Scores finished runs matching `filter` as they finish (sampled by `sampleRate`). */
    online: boolean().notNull().default(false),
    filter: jsonb().$type<EvaluatorFilter>().notNull().default({}),
    sampleRate: doublePrecision().notNull().default(1),
    /** Attempts per UTC day at most; null: unlimited. */
    dailyBudget: integer(),
    enabled: boolean().notNull().default(true),
    ...lifecycleDates,
  },
  (t) => [
    primaryKey({ name: 'evaluators_pk', columns: [t.id, t.projectId] }),
    uniqueIndex('evaluators_project_name_unique').on(t.projectId, t.name),
    index('evaluators_project_online_idx').on(t.projectId).where(sql`${t.online} and ${t.enabled}`),
  ],
);

/**
 * The work table: one row per (evaluator, run or result), so a target is evaluated once whatever
 * enqueues it twice. A worker leases rows with FOR UPDATE SKIP LOCKED, moving `runAfter` to the end of
 * its lease: a row whose worker died is taken again once that passes.
 */
export const evaluationJobs = pgTable(
  'evaluation_jobs',
  {
    id: bigint({ mode: 'number' }).generatedAlwaysAsIdentity(),
    projectId: projectRef(),
    evaluatorId: uuid().notNull(),
    runId: uuid().notNull(),
    /** The dataset result evaluated; null for the run itself. */
    resultId: uuid(),
    status: evaluationStatus().notNull().default('pending'),
    /** Attempts started (a lease taken), including the one under way. */
    attempts: integer().notNull().default(0),
    /** Pending: not before this (a retry's backoff). Running: the end of the lease. */
    runAfter: tstz().notNull().defaultNow(),
    /** The worker holding the lease while running. */
    leasedBy: text(),
    lastError: text(),
    /** The score written (done). */
    scoreId: uuid(),
    ...lifecycleDates,
  },
  (t) => [
    primaryKey({ name: 'evaluation_jobs_pk', columns: [t.id, t.projectId] }),
    foreignKey({
      name: 'evaluation_jobs_evaluator_fk',
      columns: [t.evaluatorId, t.projectId],
      foreignColumns: [evaluators.id, evaluators.projectId],
    }).onDelete('cascade'),
    foreignKey({
      name: 'evaluation_jobs_run_fk',
      columns: [t.projectId, t.runId],
      foreignColumns: [runs.projectId, runs.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'evaluation_jobs_result_fk',
      columns: [t.resultId, t.projectId],
      foreignColumns: [runResults.id, runResults.projectId],
    }).onDelete('cascade'),
    uniqueIndex('evaluation_jobs_target_unique').on(
      t.evaluatorId,
      t.runId,
      sql`coalesce(${t.resultId}, '00000000-0000-0000-0000-000000000000'::uuid)`,
      t.projectId,
    ),
    index('evaluation_jobs_due_idx').on(t.runAfter).where(sql`${t.status} in ('pending', 'running')`),
    index('evaluation_jobs_run_idx').on(t.runId),
    index('evaluation_jobs_evaluator_idx').on(t.evaluatorId, t.updatedAt.desc()),
  ],
);

/**
 * Finished runs of projects with online evaluators, waiting to be matched against their filters: a
 * trigger on runs adds them in the transaction that finishes the run (whatever the way in), the job
 * turns them into evaluation_jobs and deletes them.
 */
export const evaluationInbox = pgTable(
  'evaluation_inbox',
  {
    projectId: projectRef(),
    runId: uuid().notNull(),
    createdAt: tstz().notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'evaluation_inbox_pk', columns: [t.runId, t.projectId] }),
    foreignKey({
      name: 'evaluation_inbox_run_fk',
      columns: [t.projectId, t.runId],
      foreignColumns: [runs.projectId, runs.id],
    }).onDelete('cascade'),
  ],
);

/** Attempts per evaluator and UTC day, counted against its daily budget by one conditional upsert. */
export const evaluatorDailyUsage = pgTable(
  'evaluator_daily_usage',
  {
    projectId: projectRef(),
    evaluatorId: uuid().notNull(),
    day: tstz().notNull(),
    attempts: integer().notNull().default(0),
  },
  (t) => [
    primaryKey({ name: 'evaluator_daily_usage_pk', columns: [t.evaluatorId, t.day, t.projectId] }),
    foreignKey({
      name: 'evaluator_daily_usage_evaluator_fk',
      columns: [t.evaluatorId, t.projectId],
      foreignColumns: [evaluators.id, evaluators.projectId],
    }).onDelete('cascade'),
  ],
);

export type LlmProvider = typeof llmProviders.$inferSelect;
export type Evaluator = typeof evaluators.$inferSelect;
export type EvaluationJob = typeof evaluationJobs.$inferSelect;
