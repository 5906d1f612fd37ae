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
import { reportStatuses } from '../../lib/enums';
import { lifecycleDates, tstz } from './columns';
import { projectRef } from './projects';
import { runs } from './runs';

export const reportStatus = pgEnum('report_status', reportStatuses);

export const reports = pgTable(
  'reports',
  {
    /** Chosen by the client or generated; unique within the project. */
    id: uuid().notNull().defaultRandom(),
    projectId: projectRef(),
    runId: uuid().notNull(),
    /** Branch reports hang under their parent report. */
    parentReportId: uuid(),
    branch: text(),
    title: text().notNull(),
    status: reportStatus().notNull().default('draft'),
    ...lifecycleDates,
  },
  (t) => [
    primaryKey({ name: 'reports_pk', columns: [t.id, t.projectId] }),
    // The target of the (project_id, report_id) foreign keys.
    uniqueIndex('reports_project_id_unique').on(t.projectId, t.id),
    foreignKey({
      name: 'reports_run_fk',
      columns: [t.projectId, t.runId],
      foreignColumns: [runs.projectId, runs.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'reports_parent_fk',
      columns: [t.projectId, t.parentReportId],
      foreignColumns: [t.projectId, t.id],
    }).onDelete('cascade'),
    index('reports_project_run_idx').on(t.projectId, t.runId, t.createdAt),
    index('reports_parent_idx').on(t.parentReportId),
    // Deleting a run deletes its reports (cascade): found by this index, not a scan.
    index('reports_run_idx').on(t.runId),
  ],
);

export const reportSections = pgTable(
  'report_sections',
  {
    id: uuid().defaultRandom().notNull(),
    projectId: projectRef(),
    reportId: uuid().notNull(),
    position: integer().notNull(),
    heading: text().notNull(),
    /** Markdown; rendered sanitized. */
    body: text().notNull(),
    createdAt: tstz().notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'report_sections_pk', columns: [t.id, t.projectId] }),
    uniqueIndex('report_sections_report_position_unique').on(t.reportId, t.position, t.projectId),
    foreignKey({
      name: 'report_sections_report_fk',
      columns: [t.projectId, t.reportId],
      foreignColumns: [reports.projectId, reports.id],
    }).onDelete('cascade'),
  ],
);

export type Report = typeof reports.$inferSelect;
export type ReportSection = typeof reportSections.$inferSelect;
