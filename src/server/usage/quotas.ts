import 'server-only';
import { and, asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { quotas } from '@/db/schema';
import type { PutQuotaInput, QuotaDto } from '@/lib/contract';
import { windowOrder } from '@/lib/windows';
import { AppError, notFound } from '../errors';
import { toQuotaDto } from './serialize';

/**
 * Creates or replaces the quota of a subject (or `*`), metric and window. Every window of every
 * subject and metric is counted whether or not a quota watches it (see applySql), so a quota new to
 * its window starts from the usage already in the ledger: adding a limit at noon does not forget the
 * morning, and deleting and re-adding it forgets nothing in between.
 */
export async function putQuota(
  db: DbOrTx,
  projectId: string,
  input: PutQuotaInput,
  opts: { now?: Date } = {},
): Promise<QuotaDto> {
  const at = opts.now ?? new Date();
  const [row] = await db
    .insert(quotas)
    .values({
      projectId,
      subject: input.subject,
      metric: input.metric,
      window: input.window,
      limit: input.limit,
      mode: input.mode ?? 'hard',
    })
    .onConflictDoUpdate({
      target: [quotas.projectId, quotas.subject, quotas.metric, quotas.window],
      set: { limit: input.limit, mode: input.mode ?? 'hard', updatedAt: at },
    })
    .returning();
  return toQuotaDto(row!);
}

export async function listQuotas(db: DbOrTx, projectId: string): Promise<QuotaDto[]> {
  const rows = await db
    .select()
    .from(quotas)
    .where(eq(quotas.projectId, projectId))
    .orderBy(asc(quotas.metric), asc(quotas.subject), asc(quotas.window));
  return rows
    .sort((a, b) =>
      a.metric === b.metric && a.subject === b.subject ? windowOrder(a.window) - windowOrder(b.window) : 0,
    )
    .map(toQuotaDto);
}

/**
 * One quota of the project. `forUpdate` locks its row until the transaction ends (inside one): what is
 * read is then what the following change replaces, as the audit's "before" must be.
 */
export async function getQuota(
  db: DbOrTx,
  projectId: string,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<QuotaDto> {
  const query = db
    .select()
    .from(quotas)
    .where(and(eq(quotas.id, id), eq(quotas.projectId, projectId)));
  const [row] = await (opts.forUpdate ? query.for('update') : query);
  if (!row) throw notFound('Quota');
  return toQuotaDto(row);
}

export async function updateQuota(
  db: DbOrTx,
  projectId: string,
  id: string,
  input: { limit?: number; mode?: 'hard' | 'soft' },
): Promise<QuotaDto> {
  if (input.limit === undefined && input.mode === undefined) return getQuota(db, projectId, id);
  if (input.limit !== undefined && (!Number.isSafeInteger(input.limit) || input.limit < 0)) {
    throw new AppError('bad_request', 'limit must be an integer >= 0');
  }
  const [row] = await db
    .update(quotas)
    .set({
      ...(input.limit !== undefined ? { limit: input.limit } : {}),
      ...(input.mode !== undefined ? { mode: input.mode } : {}),
    })
    .where(and(eq(quotas.id, id), eq(quotas.projectId, projectId)))
    .returning();
  if (!row) throw notFound('Quota');
  return toQuotaDto(row);
}

/** Deletes a quota; its counters stay exact (every window is counted, with or without a quota). */
export async function deleteQuota(db: DbOrTx, projectId: string, id: string): Promise<void> {
  const deleted = await db
    .delete(quotas)
    .where(and(eq(quotas.id, id), eq(quotas.projectId, projectId)))
    .returning({ id: quotas.id });
  if (deleted.length === 0) throw notFound('Quota');
}
