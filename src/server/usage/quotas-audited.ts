import 'server-only';
import type { Db } from '@/db/client';
import type { PutQuotaInput } from '@/lib/contract';
import { type AuditScope, audited } from '../audit/audit';
import { deleteQuota, getQuota, putQuota, updateQuota } from './quotas';

// Quota writes (dashboard and API), each with its audit entry in its transaction.

export function createQuotaAudited(db: Db, s: AuditScope, input: PutQuotaInput) {
  return audited(db, s, 'quota.created', async (tx) => {
    const quota = await putQuota(tx, s.projectId, input);
    return { value: quota, target: quota.id, after: quota };
  });
}

export function changeQuotaAudited(
  db: Db,
  s: AuditScope,
  id: string,
  input: { limit?: number; mode?: 'hard' | 'soft' },
) {
  return audited(db, s, 'quota.changed', async (tx) => {
    // Locked: a concurrent change waits, so "before" is the value this change replaces.
    const before = await getQuota(tx, s.projectId, id, { forUpdate: true });
    const after = await updateQuota(tx, s.projectId, id, input);
    return { value: after, target: id, before, after };
  });
}

export function removeQuotaAudited(db: Db, s: AuditScope, id: string) {
  return audited(db, s, 'quota.deleted', async (tx) => {
    const before = await getQuota(tx, s.projectId, id, { forUpdate: true });
    await deleteQuota(tx, s.projectId, id);
    return { value: undefined, target: id, before };
  });
}
