import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  foreignKey,
  index,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { quotaModes, quotaWindows, reservationStatuses } from '../../lib/enums';
import { lifecycleDates, tstz } from './columns';
import { projectRef } from './projects';
import { runs } from './runs';

export const quotaWindow = pgEnum('quota_window', quotaWindows);
export const quotaMode = pgEnum('quota_mode', quotaModes);
export const reservationStatus = pgEnum('reservation_status', reservationStatuses);

/**
 * The ledger: one row per accepted usage record; never updated. Partitioned by month of `occurred_at`
 * (UTC) by the migrations, with a default partition (usage_events_ensure_partition makes the months):
 * retention drops a whole month. Idempotency keys live in usage_idempotency (a key must stay unique
 * across months, which a partitioned table cannot enforce).
 */
export const usageEvents = pgTable(
  'usage_events',
  {
    // A sequence, not an identity column: Postgres 15 has no identity on partitioned tables.
    id: bigserial({ mode: 'number' }).notNull(),
    projectId: projectRef(),
    subject: text().notNull(),
    metric: text().notNull(),
    amount: bigint({ mode: 'number' }).notNull(),
    runId: uuid(),
    model: text(),
    /** The key the row was recorded with (its uniqueness and stored answer are in usage_idempotency). */
    idempotencyKey: text(),
    occurredAt: tstz().notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'usage_events_pk', columns: [t.id, t.projectId, t.occurredAt] }),
    // No action on delete: deleting a run clears run_id here first (src/server/runs, retention).
    foreignKey({
      name: 'usage_events_run_fk',
      columns: [t.projectId, t.runId],
      foreignColumns: [runs.projectId, runs.id],
    }),
    // `amount` last: the hourly chart and short-window rankings sum it by an index-only scan.
    index('usage_events_project_metric_occurred_idx').on(t.projectId, t.metric, t.occurredAt, t.amount),
    index('usage_events_project_subject_occurred_idx').on(t.projectId, t.subject, t.metric, t.occurredAt),
    // Deleting a run clears run_id on its ledger rows: found by this index, not a ledger scan.
    index('usage_events_run_idx').on(t.runId).where(sql`${t.runId} is not null`),
  ],
);

/**
 * The idempotency keys of the ledger, one row per key and project, written in the same statement as
 * the ledger row: a retry with the same key, in any month, is recognised and answered with the first
 * answer. Kept as long as the project's ledger (retention trims both by the same cut).
 */
export const usageIdempotency = pgTable(
  'usage_idempotency',
  {
    projectId: projectRef(),
    key: text().notNull(),
    /** The answer given the first time; null for usage recorded by a run's events (no one to answer). */
    response: jsonb(),
    createdAt: tstz().notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.key] }),
    index('usage_idempotency_project_created_idx').on(t.projectId, t.createdAt),
  ],
);

/**
 * The ledger summed per UTC day, subject and model: what the usage page charts and ranks read instead of
 * the ledger. Kept by a statement trigger on usage_events inserts (custom migration), so every write path
 * (API, run hook, reservations, seeds) updates it in the same transaction; retention trims both together.
 */
export const usageDaily = pgTable(
  'usage_daily',
  {
    projectId: projectRef(),
    metric: text().notNull(),
    day: tstz().notNull(),
    subject: text().notNull(),
    /** '' for ledger rows without a model. */
    model: text().notNull().default(''),
    total: bigint({ mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.metric, t.day, t.subject, t.model] }),
    // One subject's days (the usage page's subject lookup). `total` stays out: the trigger's updates of
    // a day's cell remain HOT, so this index costs only when a new cell is inserted.
    index('usage_daily_project_subject_idx').on(t.projectId, t.subject, t.metric, t.day),
  ],
);

/**
 * The ledger summed per UTC hour and subject: the hourly chart, the series API and the hour window of
 * the usage page read it. Kept by the same statement trigger as usage_daily; retention trims it with
 * the ledger.
 */
export const usageHourly = pgTable(
  'usage_hourly',
  {
    projectId: projectRef(),
    metric: text().notNull(),
    hour: tstz().notNull(),
    subject: text().notNull(),
    total: bigint({ mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.metric, t.hour, t.subject] })],
);

/** Running totals per calendar window (UTC); includes capacity held by open reservations. */
export const usageCounters = pgTable(
  'usage_counters',
  {
    projectId: projectRef(),
    subject: text().notNull(),
    metric: text().notNull(),
    window: quotaWindow('period').notNull(),
    windowStart: tstz().notNull(),
    used: bigint({ mode: 'number' }).notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.subject, t.metric, t.window, t.windowStart] }),
    // One window of every subject: serves `*` quotas (no subject to look up) and pruning past windows.
    // `used` stays out of it so counter updates remain HOT.
    index('usage_counters_project_window_idx').on(t.projectId, t.window, t.windowStart, t.metric),
  ],
);

export const quotas = pgTable(
  'quotas',
  {
    id: uuid().defaultRandom().notNull(),
    projectId: projectRef(),
    /** A subject, or '*' for every subject, each on its own. */
    subject: text().notNull(),
    metric: text().notNull(),
    window: quotaWindow('period').notNull(),
    limit: bigint('limit_value', { mode: 'number' }).notNull(),
    mode: quotaMode().notNull().default('hard'),
    ...lifecycleDates,
  },
  (t) => [
    primaryKey({ name: 'quotas_pk', columns: [t.id, t.projectId] }),
    uniqueIndex('quotas_project_subject_metric_window_unique').on(t.projectId, t.subject, t.metric, t.window),
  ],
);

/** Capacity held for work whose final cost is known only at its end. */
export const usageReservations = pgTable(
  'usage_reservations',
  {
    id: uuid().defaultRandom().notNull(),
    projectId: projectRef(),
    subject: text().notNull(),
    metric: text().notNull(),
    amount: bigint({ mode: 'number' }).notNull(),
    runId: uuid(),
    idempotencyKey: text(),
    status: reservationStatus().notNull().default('held'),
    /** The counter windows the held amount was added to: [{ window, windowStart }]. */
    windows: jsonb().$type<{ window: string; windowStart: string }[]>().notNull().default([]),
    committedAmount: bigint({ mode: 'number' }),
    expiresAt: tstz().notNull(),
    settledAt: tstz(),
    createdAt: tstz().notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'usage_reservations_pk', columns: [t.id, t.projectId] }),
    // No action on delete: deleting a run clears run_id here first (src/server/runs, retention).
    foreignKey({
      name: 'usage_reservations_run_fk',
      columns: [t.projectId, t.runId],
      foreignColumns: [runs.projectId, runs.id],
    }),
    uniqueIndex('usage_reservations_project_idempotency_unique').on(t.projectId, t.idempotencyKey),
    index('usage_reservations_project_held_idx').on(t.projectId, t.subject, t.metric, t.status, t.expiresAt),
    index('usage_reservations_run_idx').on(t.runId).where(sql`${t.runId} is not null`),
  ],
);

export type UsageEvent = typeof usageEvents.$inferSelect;
export type UsageIdempotency = typeof usageIdempotency.$inferSelect;
export type UsageCounter = typeof usageCounters.$inferSelect;
export type Quota = typeof quotas.$inferSelect;
export type UsageReservation = typeof usageReservations.$inferSelect;
export type UsageDaily = typeof usageDaily.$inferSelect;
export type UsageHourly = typeof usageHourly.$inferSelect;
export type QuotaWindow = (typeof quotaWindow.enumValues)[number];
export type QuotaMode = (typeof quotaMode.enumValues)[number];
