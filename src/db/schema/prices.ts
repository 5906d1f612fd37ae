import {
  date,
  doublePrecision,
  index,
  integer,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { lifecycleDates, tstz } from './columns';
import { projectRef } from './projects';

/** A project's price of one model, in USD per 1M tokens, in force from `effectiveFrom` (UTC day) on. */
export const modelPrices = pgTable(
  'model_prices',
  {
    id: uuid().defaultRandom().notNull(),
    projectId: projectRef(),
    model: text().notNull(),
    inputPerMillion: doublePrecision().notNull(),
    outputPerMillion: doublePrecision().notNull(),
    /** Cached input tokens (a part of the input tokens); null: they cost the input price. */
    cachedInputPerMillion: doublePrecision(),
    effectiveFrom: date({ mode: 'string' }).notNull(),
    ...lifecycleDates,
  },
  (t) => [
    primaryKey({ name: 'model_prices_pk', columns: [t.id, t.projectId] }),
    uniqueIndex('model_prices_project_model_from_unique').on(t.projectId, t.model, t.effectiveFrom),
  ],
);

export const recomputeStatus = pgEnum('recompute_status', ['pending', 'running', 'done', 'failed']);

/** A background recomputation of priced run costs over a date range, done in keyset batches. */
export const costRecomputeJobs = pgTable(
  'cost_recompute_jobs',
  {
    id: uuid().defaultRandom().notNull(),
    projectId: projectRef(),
    /** Null: every model. */
    model: text(),
    fromDate: date({ mode: 'string' }).notNull(),
    /** Inclusive UTC day. */
    toDate: date({ mode: 'string' }).notNull(),
    status: recomputeStatus().notNull().default('pending'),
    processed: integer().notNull().default(0),
    /** Keyset position of the last batch: `createdAt|id` of the last run done. */
    cursor: text(),
    error: text(),
    finishedAt: tstz(),
    ...lifecycleDates,
  },
  (t) => [
    primaryKey({ name: 'cost_recompute_jobs_pk', columns: [t.id, t.projectId] }),
    index('cost_recompute_jobs_project_created_idx').on(t.projectId, t.createdAt),
  ],
);

export type ModelPrice = typeof modelPrices.$inferSelect;
export type CostRecomputeJob = typeof costRecomputeJobs.$inferSelect;
