import {
  type AnyPgColumn,
  index,
  integer,
  pgEnum,
  pgTable,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { reportStatuses } from '../../lib/enums';
import { lifecycleDates, tstz } from './columns';
import { projectRef } from './projects';
import { runs } from './runs';

export const reportStatus = pgEnum('report_status', reportStatuses);

export const reports = pgTable(
  'reports',
  {
    id: uuid().primaryKey().defaultRandom(),
    projectId: projectRef(),
    runId: uuid()
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    /** Branch reports hang under their parent report. */
    parentReportId: uuid().references((): AnyPgColumn => reports.id, { onDelete: 'cascade' }),
    branch: text(),
    title: text().notNull(),
    status: reportStatus().notNull().default('draft'),
    ...lifecycleDates,
  },
  (t) => [
    index('reports_project_run_idx').on(t.projectId, t.runId, t.createdAt),
    index('reports_parent_idx').on(t.parentReportId),
    // Deleting a run deletes its reports (cascade): found by this index, not a scan.
    index('reports_run_idx').on(t.runId),
  ],
);

export const reportSections = pgTable(
  'report_sections',
  {
    id: uuid().primaryKey().defaultRandom(),
    reportId: uuid()
      .notNull()
      .references(() => reports.id, { onDelete: 'cascade' }),
    position: integer().notNull(),
    heading: text().notNull(),
    /** Markdown; rendered sanitized. */
    body: text().notNull(),
    createdAt: tstz().notNull().defaultNow(),
  },
  (t) => [uniqueIndex('report_sections_report_position_unique').on(t.reportId, t.position)],
);

export type Report = typeof reports.$inferSelect;
export type ReportSection = typeof reportSections.$inferSelect;
