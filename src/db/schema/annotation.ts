import { sql } from 'drizzle-orm';
import {
  foreignKey,
  index,
  integer,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { annotationItemStatuses } from '../../lib/enums';
import { lifecycleDates, tstz } from './columns';
import { projectRef } from './projects';
import { runs } from './runs';

export const annotationItemStatus = pgEnum('annotation_item_status', annotationItemStatuses);

/** A list of runs for people to review and score, with the score configs to score them by. */
export const annotationQueues = pgTable(
  'annotation_queues',
  {
    id: uuid().defaultRandom().notNull(),
    projectId: projectRef(),
    name: text().notNull(),
    description: text(),
    /** The score names (configs) a reviewer scores each run by, in order. */
    scoreNames: text().array().notNull().default(sql`'{}'::text[]`),
    /** Who made it: a user id or `key:<api key id>`. */
    createdBy: text(),
    /** The members (user ids) who review it; empty: every editor and owner of the project. */
    assignees: text().array().notNull().default(sql`'{}'::text[]`),
    ...lifecycleDates,
  },
  (t) => [
    primaryKey({ name: 'annotation_queues_pk', columns: [t.id, t.projectId] }),
    uniqueIndex('annotation_queues_project_name_unique').on(t.projectId, t.name),
  ],
);

/**
 * One run of a queue. A reviewer leases the next waiting item (`leasedBy` until `leaseUntil`), so two
 * reviewers never get the same run at once; the lease runs out when its reviewer leaves.
 */
export const annotationQueueItems = pgTable(
  'annotation_queue_items',
  {
    id: uuid().defaultRandom().notNull(),
    projectId: projectRef(),
    queueId: uuid().notNull(),
    runId: uuid().notNull(),
    /** The item's place in the queue (reviewed in this order). */
    position: integer().notNull(),
    status: annotationItemStatus().notNull().default('pending'),
    leasedBy: text(),
    leaseUntil: tstz(),
    /** Who reviewed or skipped it. */
    reviewedBy: text(),
    reviewedAt: tstz(),
    ...lifecycleDates,
  },
  (t) => [
    primaryKey({ name: 'annotation_queue_items_pk', columns: [t.id, t.projectId] }),
    foreignKey({
      name: 'annotation_queue_items_queue_fk',
      columns: [t.queueId, t.projectId],
      foreignColumns: [annotationQueues.id, annotationQueues.projectId],
    }).onDelete('cascade'),
    foreignKey({
      name: 'annotation_queue_items_run_fk',
      columns: [t.projectId, t.runId],
      foreignColumns: [runs.projectId, runs.id],
    }).onDelete('cascade'),
    uniqueIndex('annotation_queue_items_queue_run_unique').on(t.queueId, t.runId, t.projectId),
    index('annotation_queue_items_next_idx').on(t.queueId, t.position).where(sql`${t.status} = 'pending'`),
    index('annotation_queue_items_run_idx').on(t.runId),
  ],
);

export type AnnotationQueue = typeof annotationQueues.$inferSelect;
export type AnnotationQueueItem = typeof annotationQueueItems.$inferSelect;
