import 'server-only';
import { randomUUID } from 'node:crypto';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { evaluators, type LlmProvider, llmProviders } from '@/db/schema';
import type { LlmProviderDto, PutLlmProviderInput } from '@/lib/contract';
import { type AuditActor, writeAudit } from '../audit/audit';
import { AppError, notFound } from '../errors';
import { decryptSecret, encryptSecret } from './secrets';

/** What any API or page shows of a provider: never its key, only whether it has one. */
export function toLlmProviderDto(p: LlmProvider): LlmProviderDto {
  return {
    id: p.id,
    name: p.name,
    baseUrl: p.baseUrl,
    hasApiKey: p.apiKeyCipher !== null,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

export async function listLlmProviders(db: DbOrTx, projectId: string): Promise<LlmProvider[]> {
  return db
    .select()
    .from(llmProviders)
    .where(eq(llmProviders.projectId, projectId))
    .orderBy(asc(llmProviders.name));
}

/**
 * Creates or changes the provider of a name. A change without `apiKey` keeps the stored key; a key
 * given is encrypted before it is written, and is never read back by anything but the judge.
 */
export async function putLlmProvider(
  db: DbOrTx,
  projectId: string,
  input: PutLlmProviderInput,
  actor: AuditActor,
): Promise<LlmProvider> {
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select()
      .from(llmProviders)
      .where(and(eq(llmProviders.projectId, projectId), eq(llmProviders.name, input.name)))
      .for('update');
    const id = current?.id ?? randomUUID();
    const apiKeyCipher =
      input.apiKey !== undefined
        ? await encryptSecret(tx, input.apiKey, id)
        : (current?.apiKeyCipher ?? null);
    const [row] = current
      ? await tx
          .update(llmProviders)
          .set({ baseUrl: input.baseUrl, apiKeyCipher })
          .where(eq(llmProviders.id, id))
          .returning()
      : await tx
          .insert(llmProviders)
          .values({ id, projectId, name: input.name, baseUrl: input.baseUrl, apiKeyCipher })
          .onConflictDoNothing()
          .returning();
    if (!row) throw new AppError('conflict', `An LLM provider named "${input.name}" was just created; retry`);
    await writeAudit(tx, {
      projectId,
      actor,
      action: current ? 'llm_provider.updated' : 'llm_provider.created',
      target: id,
      before: current ? toLlmProviderDto(current) : null,
      after: { ...toLlmProviderDto(row), apiKeyChanged: input.apiKey !== undefined },
    });
    return row;
  });
}

/** Deletes a provider no judge uses (else 409: change or delete those judges first). */
export async function deleteLlmProvider(
  db: DbOrTx,
  projectId: string,
  name: string,
  actor: AuditActor,
): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(llmProviders)
      .where(and(eq(llmProviders.projectId, projectId), eq(llmProviders.name, name)))
      .for('update');
    if (!row) throw notFound('LLM provider');
    const users = await tx
      .select({ name: evaluators.name })
      .from(evaluators)
      .where(
        and(eq(evaluators.projectId, projectId), sql`${evaluators.config} ->> 'providerId' = ${row.id}`),
      );
    if (users.length > 0)
      throw new AppError(
        'conflict',
        `The LLM provider is used by ${users.map((u) => `"${u.name}"`).join(', ')}`,
      );
    await tx
      .delete(llmProviders)
      .where(and(eq(llmProviders.projectId, projectId), eq(llmProviders.id, row.id)));
    await writeAudit(tx, {
      projectId,
      actor,
      action: 'llm_provider.deleted',
      target: row.id,
      before: toLlmProviderDto(row),
    });
  });
}

/** What the judge calls: the endpoint and its decrypted key (null when the provider has none). */
export async function providerForCall(
  db: DbOrTx,
  projectId: string,
  id: string,
): Promise<{ baseUrl: string; apiKey: string | null } | null> {
  const [row] = await db
    .select()
    .from(llmProviders)
    .where(and(eq(llmProviders.id, id), eq(llmProviders.projectId, projectId)));
  if (!row) return null;
  return {
    baseUrl: row.baseUrl,
    apiKey: row.apiKeyCipher === null ? null : await decryptSecret(db, row.apiKeyCipher, row.id),
  };
}
