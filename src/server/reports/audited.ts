import 'server-only';
import type { DbOrTx } from '@/db/client';
import type { CreateReportInput, CreateSectionInput, UpdateReportInput } from '@/lib/contract';
import { type AuditScope, audited } from '../audit/audit';
import { addSection, createReport, updateReport } from './reports';

// Report writes from the API, each with its audit entry (the API key as actor) in its transaction.

export function createReportAudited(db: DbOrTx, s: AuditScope, runId: string, input: CreateReportInput) {
  return audited(db, s, 'report.created', async (tx) => {
    const result = await createReport(tx, s.projectId, runId, input);
    const { report } = result;
    return {
      value: result,
      target: report.id,
      after: { runId, title: report.title },
      unchanged: !result.created,
    };
  });
}

export function updateReportAudited(db: DbOrTx, s: AuditScope, reportId: string, input: UpdateReportInput) {
  return audited(db, s, 'report.updated', async (tx) => {
    const report = await updateReport(tx, s.projectId, reportId, input);
    return { value: report, target: reportId, after: input };
  });
}

export function addSectionAudited(db: DbOrTx, s: AuditScope, reportId: string, input: CreateSectionInput) {
  return audited(db, s, 'report.section_added', async (tx) => {
    const section = await addSection(tx, s.projectId, reportId, input);
    return { value: section, target: reportId, after: { sectionId: section.id, heading: section.heading } };
  });
}
