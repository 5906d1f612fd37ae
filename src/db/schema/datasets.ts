import {
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { lifecycleDates, tstz } from './columns';
import { projectRef } from './projects';

export const datasets = pgTable(
  'datasets',
  {
    id: uuid().defaultRandom().notNull(),
    projectId: projectRef(),
    name: text().notNull(),
    description: text(),
    /** Bumped by every change to the dataset's items. */
    version: integer().notNull().default(1),
    ...lifecycleDates,
  },
  (t) => [
    primaryKey({ name: 'datasets_pk', columns: [t.id, t.projectId] }),
    uniqueIndex('datasets_project_name_unique').on(t.projectId, t.name),
  ],
);

export const datasetItems = pgTable(
  'dataset_items',
  {
    id: uuid().defaultRandom().notNull(),
    projectId: projectRef(),
    datasetId: uuid().notNull(),
    /** The logical item: every snapshot of one item shares it (an update writes a new snapshot). */
    itemId: uuid().notNull(),
    /** The dataset version that wrote this snapshot. */
    version: integer().notNull(),
    /** The dataset version that replaced or deleted this snapshot; null while it is current. */
    removedVersion: integer(),
    input: jsonb().notNull(),
    expectedOutput: jsonb(),
    metadata: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    /** Soft delete: the item still belongs to the versions before this one. */
    deletedAt: tstz(),
    createdAt: tstz().notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'dataset_items_pk', columns: [t.id, t.projectId] }),
    foreignKey({
      name: 'dataset_items_dataset_fk',
      columns: [t.datasetId, t.projectId],
      foreignColumns: [datasets.id, datasets.projectId],
    }).onDelete('cascade'),
    index('dataset_items_dataset_version_idx').on(t.datasetId, t.version),
    index('dataset_items_dataset_item_idx').on(t.datasetId, t.itemId),
  ],
);

export type Dataset = typeof datasets.$inferSelect;
export type DatasetItem = typeof datasetItems.$inferSelect;
