import { integer, pgTable, uuid } from 'drizzle-orm/pg-core';
import { updatedAt } from './columns';
import { projects } from './projects';

/** Per-project retention; a project without a row keeps the defaults (runs forever, ledger 400 days). */
export const projectRetention = pgTable('project_retention', {
  projectId: uuid()
    .primaryKey()
    .references(() => projects.id, { onDelete: 'cascade' }),
  /** Days a run (with its events, results and reports) is kept after it was created; null: forever. */
  runDays: integer(),
  /** Days a usage ledger row is kept; never cuts into a current quota window. */
  usageDays: integer().notNull().default(400),
  updatedAt: updatedAt(),
});

export type ProjectRetention = typeof projectRetention.$inferSelect;
