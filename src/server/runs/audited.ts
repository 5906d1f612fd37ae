import 'server-only';
import type { DbOrTx } from '@/db/client';
import type { UpdateRunInput } from '@/lib/contract';
import { type AuditScope, audited } from '../audit/audit';
import { notFound } from '../errors';
import { deleteRun, getRunById, updateRun } from './runs';

// Run writes from the dashboard and the API, each with its audit entry in its transaction.

/** The changed fields with plain values (a JSON field such as output is named, not copied). */
function plainFields(row: Record<string, unknown>, keys: string[]) {
  return Object.fromEntries(
    keys.map((k) => {
      const raw = row[k];
      const v = raw instanceof Date ? raw.toISOString() : raw;
      return [k, v !== null && typeof v === 'object' ? '(json)' : v];
    }),
  );
}

export function updateRunAudited(db: DbOrTx, s: AuditScope, runId: string, input: UpdateRunInput) {
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

export function deleteRunAudited(db: DbOrTx, s: AuditScope, runId: string) {
  return audited(db, s, 'run.deleted', async (tx) => {
    const run = await getRunById(tx, s.projectId, runId);
    if (!run) throw notFound('Run');
    await deleteRun(tx, s.projectId, runId);
    return {
      value: undefined,
      target: runId,
      before: { name: run.name, kind: run.kind, status: run.status },
    };
  });
}
