import { sql } from 'drizzle-orm';
import {
  bigint,
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
import { alertEventTypes, deliveryStatuses, destinationFormats } from '../../lib/enums';
import { lifecycleDates, tstz } from './columns';
import { projectRef } from './projects';

export const destinationFormat = pgEnum('destination_format', destinationFormats);
export const alertEventType = pgEnum('alert_event_type', alertEventTypes);
export const deliveryStatus = pgEnum('delivery_status', deliveryStatuses);

/** A webhook URL that receives every alert event of its project. */
export const webhookDestinations = pgTable(
  'webhook_destinations',
  {
    id: uuid().defaultRandom().notNull(),
    projectId: projectRef(),
    name: text().notNull(),
    url: text().notNull(),
    format: destinationFormat().notNull(),
    /** AES-256-GCM ciphertext of the `whsec_…` signing secret (src/server/evaluators/secrets.ts). */
    secretCipher: text().notNull(),
    /** The first failed attempt since the last success; null while deliveries succeed. */
    failingSince: tstz(),
    /** Set after a day of failures: nothing more is sent to it. */
    disabledAt: tstz(),
    ...lifecycleDates,
  },
  (t) => [
    primaryKey({ name: 'webhook_destinations_pk', columns: [t.id, t.projectId] }),
    index('webhook_destinations_project_idx').on(t.projectId, t.createdAt),
  ],
);

/**
 * The outbox: one row per event, written in the transaction that raised it. Its id is the
 * `webhook-id` of every delivery and retry. The delivery job fans it out to the project's destinations
 * and sets `dispatchedAt`.
 */
export const alertEvents = pgTable(
  'alert_events',
  {
    id: uuid().defaultRandom().notNull(),
    projectId: projectRef(),
    type: alertEventType().notNull(),
    /** The payload's `data`. */
    data: jsonb().$type<Record<string, unknown>>().notNull(),
    /** Raises an event once per key (e.g. one refusal per quota, subject and window). */
    dedupeKey: text(),
    dispatchedAt: tstz(),
    createdAt: tstz().notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'alert_events_pk', columns: [t.id, t.projectId] }),
    uniqueIndex('alert_events_project_dedupe_unique').on(t.projectId, t.dedupeKey),
    index('alert_events_undispatched_idx').on(t.createdAt).where(sql`${t.dispatchedAt} is null`),
    // The delivery job's pruning of events past their keep time.
    index('alert_events_created_idx').on(t.createdAt),
  ],
);

/**
 * One event to one destination. A worker leases rows with FOR UPDATE SKIP LOCKED, moving
 * `nextAttemptAt` to the end of its lease: a row whose worker died is taken again once that passes.
 */
export const alertDeliveries = pgTable(
  'alert_deliveries',
  {
    id: bigint({ mode: 'number' }).generatedAlwaysAsIdentity(),
    projectId: projectRef(),
    eventId: uuid().notNull(),
    destinationId: uuid().notNull(),
    status: deliveryStatus().notNull().default('pending'),
    /** Attempts started (a lease taken), including the one under way. */
    attempts: integer().notNull().default(0),
    /** Pending: not before this (a retry's backoff). Sending: the end of the lease. */
    nextAttemptAt: tstz().notNull().defaultNow(),
    /** The worker holding the lease while sending. */
    leasedBy: text(),
    lastAttemptAt: tstz(),
    /** The last answer's HTTP status; null when none came (refused address, timeout, network). */
    lastStatusCode: integer(),
    lastDurationMs: integer(),
    lastError: text(),
    deliveredAt: tstz(),
    ...lifecycleDates,
  },
  (t) => [
    primaryKey({ name: 'alert_deliveries_pk', columns: [t.id, t.projectId] }),
    foreignKey({
      name: 'alert_deliveries_event_fk',
      columns: [t.eventId, t.projectId],
      foreignColumns: [alertEvents.id, alertEvents.projectId],
    }).onDelete('cascade'),
    foreignKey({
      name: 'alert_deliveries_destination_fk',
      columns: [t.destinationId, t.projectId],
      foreignColumns: [webhookDestinations.id, webhookDestinations.projectId],
    }).onDelete('cascade'),
    uniqueIndex('alert_deliveries_event_destination_unique').on(t.eventId, t.destinationId, t.projectId),
    index('alert_deliveries_due_idx').on(t.nextAttemptAt).where(sql`${t.status} in ('pending', 'sending')`),
    index('alert_deliveries_destination_idx').on(t.destinationId, t.createdAt.desc()),
  ],
);

export type WebhookDestination = typeof webhookDestinations.$inferSelect;
export type AlertEvent = typeof alertEvents.$inferSelect;
export type AlertDelivery = typeof alertDeliveries.$inferSelect;
