import 'server-only';
import type { Db } from '@/db/client';
import type { PutRetentionInput } from '@/lib/contract';
import { type AuditScope, audited } from '../audit/audit';
import { getRetention, putRetention } from './settings';

/** Replaces the project's retention (runs and usage ledger), audited with before and after. */
export function setRetentionAudited(db: Db, s: AuditScope, input: PutRetentionInput) {
  return audited(db, s, 'retention.changed', async (tx) => {
    const before = await getRetention(tx, s.projectId);
    const after = await putRetention(tx, s.projectId, input);
    return {
      value: after,
      before: { runDays: before.runDays, usageDays: before.usageDays },
      after: { runDays: after.runDays, usageDays: after.usageDays },
    };
  });
}
