import 'server-only';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { PG_FOREIGN_KEY_VIOLATION, pgErrorCode } from '@/db/sql';
import { type Report, type ReportSection, reportSections, reports } from '@/db/schema';
import type { CreateReportInput, CreateSectionInput, ReportDto, UpdateReportInput } from '@/lib/contract';
import { AppError, notFound } from '../errors';
import { assertRunInProject } from '../runs/scope';
import { toReportDto } from './serialize';

export type ReportWithSections = Report & { sections: ReportSection[] };

/**
 * Creates a report of a run. A branch report names its parent (`parentReportId`), which must be a
 * report of the same run. Re-sending a client-chosen id with the same fields returns the stored report.
 */
export async function createReport(
  db: DbOrTx,
  projectId: string,
  runId: string,
  input: CreateReportInput,
): Promise<{ report: ReportWithSections; created: boolean }> {
  // The run or parent checked below can be deleted before the insert: its foreign key then says so.
  return createReportTx(db, projectId, runId, input).catch((err: unknown) => {
    if (pgErrorCode(err) === PG_FOREIGN_KEY_VIOLATION) throw notFound('Run or parent report');
    throw err;
  });
}

function createReportTx(
  db: DbOrTx,
  projectId: string,
  runId: string,
  input: CreateReportInput,
): Promise<{ report: ReportWithSections; created: boolean }> {
  return db.transaction(async (tx) => {
    await assertRunInProject(tx, projectId, runId);
    if (input.parentReportId) {
      const [parent] = await tx
        .select({ runId: reports.runId })
        .from(reports)
        .where(and(eq(reports.id, input.parentReportId), eq(reports.projectId, projectId)));
      if (!parent) throw notFound('Parent report');
      if (parent.runId !== runId) {
        throw new AppError('bad_request', 'A branch report must belong to the same run as its parent report');
      }
    }
    const [row] = await tx
      .insert(reports)
      .values({
        id: input.id,
        projectId,
        runId,
        title: input.title,
        branch: input.branch ?? null,
        parentReportId: input.parentReportId ?? null,
      })
      .onConflictDoNothing({ target: [reports.id, reports.projectId] })
      .returning();
    if (row) return { report: { ...row, sections: [] }, created: true };

    const existing = await getReport(tx, projectId, input.id!);
    // Deleted since the insert found it.
    if (!existing) throw notFound('Report');
    const same =
      existing.runId === runId &&
      existing.title === input.title &&
      existing.branch === (input.branch ?? null) &&
      existing.parentReportId === (input.parentReportId ?? null);
    if (!same) throw new AppError('conflict', 'A report with this id already exists with different fields');
    return { report: existing, created: false };
  });
}

export async function getReport(
  db: DbOrTx,
  projectId: string,
  reportId: string,
): Promise<ReportWithSections | null> {
  const [report] = await db
    .select()
    .from(reports)
    .where(and(eq(reports.id, reportId), eq(reports.projectId, projectId)));
  if (!report) return null;
  const sections = await db
    .select()
    .from(reportSections)
    .where(and(eq(reportSections.projectId, projectId), eq(reportSections.reportId, reportId)))
    .orderBy(asc(reportSections.position));
  return { ...report, sections };
}

async function lockReport(tx: DbOrTx, projectId: string, reportId: string): Promise<Report> {
  const [report] = await tx
    .select()
    .from(reports)
    .where(and(eq(reports.id, reportId), eq(reports.projectId, projectId)))
    .for('update');
  if (!report) throw notFound('Report');
  return report;
}

/**
 * Adds a section. Without `position` it is appended; with one that is taken, the sections from there
 * on move down by one. The report row is locked, so concurrent appends get distinct positions.
 */
export async function addSection(
  db: DbOrTx,
  projectId: string,
  reportId: string,
  input: CreateSectionInput,
): Promise<ReportSection> {
  return db.transaction(async (tx) => {
    await lockReport(tx, projectId, reportId);
    let position = input.position;
    if (position === undefined) {
      const [{ next }] = (await tx
        .select({ next: sql<number>`coalesce(max(${reportSections.position}) + 1, 0)::int` })
        .from(reportSections)
        .where(and(eq(reportSections.projectId, projectId), eq(reportSections.reportId, reportId)))) as [
        { next: number },
      ];
      position = next;
    } else {
      // Two steps keep UNIQUE (report_id, position) satisfied row by row: park as negatives, then flip.
      await tx
        .update(reportSections)
        .set({ position: sql`-${reportSections.position} - 2` })
        .where(
          and(
            eq(reportSections.projectId, projectId),
            eq(reportSections.reportId, reportId),
            sql`${reportSections.position} >= ${position}`,
          ),
        );
      await tx
        .update(reportSections)
        .set({ position: sql`-${reportSections.position} - 1` })
        .where(
          and(
            eq(reportSections.projectId, projectId),
            eq(reportSections.reportId, reportId),
            sql`${reportSections.position} < 0`,
          ),
        );
    }
    const [section] = await tx
      .insert(reportSections)
      .values({ projectId, reportId, position, heading: input.heading, body: input.body })
      .returning();
    await tx
      .update(reports)
      .set({ updatedAt: new Date() })
      .where(and(eq(reports.projectId, projectId), eq(reports.id, reportId)));
    return section!;
  });
}

/** Puts the sections in the given order (positions 0..n-1); the list must name every section once. */
export async function reorderSections(
  db: DbOrTx,
  projectId: string,
  reportId: string,
  sectionIds: string[],
): Promise<ReportSection[]> {
  return db.transaction(async (tx) => {
    await lockReport(tx, projectId, reportId);
    const current = await tx
      .select({ id: reportSections.id })
      .from(reportSections)
      .where(and(eq(reportSections.projectId, projectId), eq(reportSections.reportId, reportId)));
    const known = new Set(current.map((s) => s.id));
    if (
      sectionIds.length !== known.size ||
      new Set(sectionIds).size !== sectionIds.length ||
      !sectionIds.every((id) => known.has(id))
    ) {
      throw new AppError('bad_request', 'The order must name every section of the report exactly once');
    }
    await tx
      .update(reportSections)
      .set({ position: sql`-${reportSections.position} - 1` })
      .where(and(eq(reportSections.projectId, projectId), eq(reportSections.reportId, reportId)));
    for (const [position, id] of sectionIds.entries()) {
      await tx
        .update(reportSections)
        .set({ position })
        .where(and(eq(reportSections.projectId, projectId), eq(reportSections.id, id)));
    }
    await tx
      .update(reports)
      .set({ updatedAt: new Date() })
      .where(and(eq(reports.projectId, projectId), eq(reports.id, reportId)));
    return tx
      .select()
      .from(reportSections)
      .where(and(eq(reportSections.projectId, projectId), eq(reportSections.reportId, reportId)))
      .orderBy(asc(reportSections.position));
  });
}

export async function updateReport(
  db: DbOrTx,
  projectId: string,
  reportId: string,
  input: UpdateReportInput,
): Promise<ReportWithSections> {
  const [row] = await db
    .update(reports)
    .set({ ...input, updatedAt: new Date() })
    .where(and(eq(reports.id, reportId), eq(reports.projectId, projectId)))
    .returning({ id: reports.id });
  if (!row) throw notFound('Report');
  return (await getReport(db, projectId, reportId))!;
}

/** A run's reports, oldest first, each with its sections in order and its branch reports nested. */
export async function listRunReports(db: DbOrTx, projectId: string, runId: string): Promise<ReportDto[]> {
  await assertRunInProject(db, projectId, runId);
  const rows = await db
    .select()
    .from(reports)
    .where(and(eq(reports.projectId, projectId), eq(reports.runId, runId)))
    .orderBy(asc(reports.createdAt), asc(reports.id));
  if (rows.length === 0) return [];
  const sections = await db
    .select()
    .from(reportSections)
    .where(
      and(
        eq(reportSections.projectId, projectId),
        inArray(
          reportSections.reportId,
          rows.map((r) => r.id),
        ),
      ),
    )
    .orderBy(asc(reportSections.reportId), asc(reportSections.position));
  const dtos = new Map<string, ReportDto>();
  for (const r of rows) {
    dtos.set(r.id, {
      ...toReportDto({ ...r, sections: sections.filter((s) => s.reportId === r.id) }),
      branches: [],
    });
  }
  const roots: ReportDto[] = [];
  for (const r of rows) {
    const dto = dtos.get(r.id)!;
    const parent = r.parentReportId ? dtos.get(r.parentReportId) : undefined;
    if (parent) parent.branches!.push(dto);
    else roots.push(dto);
  }
  return roots;
}
