import 'server-only';
import type { Db } from '@/db/client';
import type { ProjectRole } from '@/db/schema';
import type { PutQuotaInput, PutRetentionInput } from '@/lib/contract';
import { createApiKey, revokeApiKey } from '../api-keys/api-keys';
import { apiKeyCache } from '../api-keys/key-cache';
import { changeMemberRole, createInvite, removeMember, revokeInvite } from '../members';
import { deletePrice, type PriceInput, seedCommonPrices, upsertPrice } from '../prices';
import { getRetention, putRetention } from '../retention';
import { deleteRun, getRunById } from '../runs';
import { deleteQuota, getQuota, putQuota, updateQuota } from '../usage';
import { notFound } from '../errors';
import { type AuditActor, writeAudit } from './audit';

// The writes made from the dashboard and the CLI: each runs its change and its audit entry in one
// transaction, so an entry exists exactly when its change committed.

type Scope = { actor: AuditActor; projectId: string };

export async function createKeyAudited(db: Db, s: Scope, name: string) {
  return db.transaction(async (tx) => {
    const created = await createApiKey(tx, s.projectId, name);
    await writeAudit(tx, {
      ...s,
      action: 'key.created',
      target: created.apiKey.id,
      after: { name: created.apiKey.name, prefix: created.apiKey.prefix },
    });
    return created;
  });
}

export async function revokeKeyAudited(db: Db, s: Scope, keyId: string) {
  const revoked = await db.transaction(async (tx) => {
    const key = await revokeApiKey(tx, s.projectId, keyId);
    await writeAudit(tx, { ...s, action: 'key.revoked', target: key.id, before: { name: key.name } });
    return key;
  });
  // Again once committed: a request verified between revokeApiKey and the commit cached the key anew.
  apiKeyCache().forget(revoked.id);
  return revoked;
}

export async function createQuotaAudited(db: Db, s: Scope, input: PutQuotaInput) {
  return db.transaction(async (tx) => {
    const quota = await putQuota(tx, s.projectId, input);
    await writeAudit(tx, { ...s, action: 'quota.created', target: quota.id, after: quota });
    return quota;
  });
}

export async function changeQuotaAudited(
  db: Db,
  s: Scope,
  id: string,
  input: { limit?: number; mode?: 'hard' | 'soft' },
) {
  return db.transaction(async (tx) => {
    // Locked: a concurrent change waits, so "before" is the value this change replaces.
    const before = await getQuota(tx, s.projectId, id, { forUpdate: true });
    const after = await updateQuota(tx, s.projectId, id, input);
    await writeAudit(tx, { ...s, action: 'quota.changed', target: id, before, after });
    return after;
  });
}

export async function removeQuotaAudited(db: Db, s: Scope, id: string) {
  return db.transaction(async (tx) => {
    const before = await getQuota(tx, s.projectId, id, { forUpdate: true });
    await deleteQuota(tx, s.projectId, id);
    await writeAudit(tx, { ...s, action: 'quota.deleted', target: id, before });
  });
}

export async function deleteRunAudited(db: Db, s: Scope, runId: string) {
  return db.transaction(async (tx) => {
    const run = await getRunById(tx, s.projectId, runId);
    if (!run) throw notFound('Run');
    await deleteRun(tx, s.projectId, runId);
    await writeAudit(tx, {
      ...s,
      action: 'run.deleted',
      target: runId,
      before: { name: run.name, kind: run.kind, status: run.status },
    });
  });
}

export async function createInviteAudited(db: Db, s: Scope & { userId: string | null }, role: ProjectRole) {
  return db.transaction(async (tx) => {
    const created = await createInvite(tx, { projectId: s.projectId, role, createdBy: s.userId });
    await writeAudit(tx, { ...s, action: 'member.invited', target: created.invite.id, after: { role } });
    return created;
  });
}

export async function revokeInviteAudited(db: Db, s: Scope, inviteId: string) {
  return db.transaction(async (tx) => {
    const invite = await revokeInvite(tx, s.projectId, inviteId);
    await writeAudit(tx, { ...s, action: 'invite.revoked', target: inviteId, before: { role: invite.role } });
  });
}

export async function changeMemberAudited(db: Db, s: Scope, userId: string, role: ProjectRole) {
  return db.transaction(async (tx) => {
    const { before, after } = await changeMemberRole(tx, s.projectId, userId, role);
    await writeAudit(tx, {
      ...s,
      action: 'member.changed',
      target: before.email,
      before: { role: before.role },
      after: { role: after.role },
    });
  });
}

export async function removeMemberAudited(db: Db, s: Scope, userId: string) {
  return db.transaction(async (tx) => {
    const before = await removeMember(tx, s.projectId, userId);
    await writeAudit(tx, {
      ...s,
      action: 'member.removed',
      target: before.email,
      before: { role: before.role },
    });
  });
}

/** Replaces the project's retention (runs and usage ledger), audited with before and after. */
export async function setRetentionAudited(db: Db, s: Scope, input: PutRetentionInput) {
  return db.transaction(async (tx) => {
    const before = await getRetention(tx, s.projectId);
    const after = await putRetention(tx, s.projectId, input);
    await writeAudit(tx, {
      ...s,
      action: 'retention.changed',
      before: { runDays: before.runDays, usageDays: before.usageDays },
      after: { runDays: after.runDays, usageDays: after.usageDays },
    });
    return after;
  });
}

/** Adds or replaces a model price (per model and effective date). */
export async function savePriceAudited(db: Db, s: Scope, input: PriceInput) {
  return db.transaction(async (tx) => {
    const price = await upsertPrice(tx, s.projectId, input);
    await writeAudit(tx, { ...s, action: 'price.saved', target: price.model, after: input });
    return price;
  });
}

export async function removePriceAudited(db: Db, s: Scope, priceId: string) {
  return db.transaction(async (tx) => {
    const price = await deletePrice(tx, s.projectId, priceId);
    await writeAudit(tx, {
      ...s,
      action: 'price.removed',
      target: price.model,
      before: { effectiveFrom: price.effectiveFrom },
    });
    return price;
  });
}

/** Adds the common models' list prices the project does not have yet. */
export async function seedPricesAudited(db: Db, s: Scope) {
  return db.transaction(async (tx) => {
    const added = await seedCommonPrices(tx, s.projectId);
    await writeAudit(tx, { ...s, action: 'prices.seeded', after: { added } });
    return added;
  });
}
