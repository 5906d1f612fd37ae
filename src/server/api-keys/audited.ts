import 'server-only';
import type { Db } from '@/db/client';
import { type AuditScope, audited } from '../audit/audit';
import { createApiKey, revokeApiKey } from './api-keys';
import { apiKeyCache } from './key-cache';

// The key writes of the dashboard and the CLI, each with its audit entry in its transaction.

export function createKeyAudited(db: Db, s: AuditScope, name: string) {
  return audited(db, s, 'key.created', async (tx) => {
    const created = await createApiKey(tx, s.projectId, name);
    const { id, prefix } = created.apiKey;
    return { value: created, target: id, after: { name: created.apiKey.name, prefix } };
  });
}

export async function revokeKeyAudited(db: Db, s: AuditScope, keyId: string) {
  const revoked = await audited(db, s, 'key.revoked', async (tx) => {
    const key = await revokeApiKey(tx, s.projectId, keyId);
    return { value: key, target: key.id, before: { name: key.name } };
  });
  // Again once committed: a request verified between revokeApiKey and the commit cached the key anew.
  apiKeyCache().forget(revoked.id);
  return revoked;
}
