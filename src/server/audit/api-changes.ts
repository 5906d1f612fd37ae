import 'server-only';
import type { DbOrTx } from '@/db/client';
import type {
  CreateReportInput,
  CreateSectionInput,
  UpdateReportInput,
  UpdateRunInput,
} from '@/lib/contract';
import { notFound } from '../errors';
import { addSection, createReport, updateReport } from '../reports';
import { getRunById, updateRun } from '../runs';
import { type AuditActor, audited } from './audit';

// The writes only the API makes (the dashboard's own are in changes.ts): each goes through audited(),
// so its entry, with the API key as actor, commits with it.

type Scope = { actor: AuditActor; projectId: string };

/** The changed fields with plain values (a JSON field such as output is named, not copied). */
function plainFields(row: Record<string, unknown>, keys: string[]) {
  return Object.fromEntries(
    keys.map((k) => {
      const v = row[k] instanceof Date ? (row[k] as Date).toISOString() : row[k];
      return [k, v !== null && typeof v === 'object' ? '(json)' : v];
    }),
  );
}

export function updateRunAudited(db: DbOrTx, s: Scope, runId: string, input: UpdateRunInput) {
  return audited(db, s, 'run.updated', async (tx) => {
    const before = await getRunById(tx, s.projectId, runId);
    if (!before) throw notFound('Run');
    const after = await updateRun(tx, s.projectId, runId, input);
    const keys = Object.keys(input);
    return {
      value: after,
      target: runId,
      before: plainFields(before, keys),
      after: plainFields(after, keys),
    };
  });
}

export function createReportAudited(db: DbOrTx, s: Scope, runId: string, input: CreateReportInput) {
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

export function updateReportAudited(db: DbOrTx, s: Scope, reportId: string, input: UpdateReportInput) {
  return audited(db, s, 'report.updated', async (tx) => {
    const report = await updateReport(tx, s.projectId, reportId, input);
    return { value: report, target: reportId, after: input };
  });
}

export function addSectionAudited(db: DbOrTx, s: Scope, reportId: string, input: CreateSectionInput) {
  return audited(db, s, 'report.section_added', async (tx) => {
    const section = await addSection(tx, s.projectId, reportId, input);
    return { value: section, target: reportId, after: { sectionId: section.id, heading: section.heading } };
  });
}
