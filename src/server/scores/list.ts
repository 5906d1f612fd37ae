import 'server-only';
import { and, asc, desc, eq, gte, lt, or, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { type Score, scores } from '@/db/schema';
import type { ListScoresQuery } from '@/lib/contract';
import { decodeCursor, encodeCursor } from '@/lib/cursor';
import { type AuditActor, writeAudit } from '../audit/audit';
import { AppError, notFound } from '../errors';

export type ScoreFilter = Omit<ListScoresQuery, 'limit' | 'cursor'>;

/** A project's scores, newest first, in keyset pages (the cursor is the last row's time and id). */
export async function listScores(
  db: DbOrTx,
  projectId: string,
  opts: ScoreFilter & { limit: number; cursor?: string },
): Promise<{ data: Score[]; nextCursor: string | null }> {
  const where: (SQL | undefined)[] = [eq(scores.projectId, projectId)];
  if (opts.runId) where.push(eq(scores.runId, opts.runId));
  if (opts.resultId) where.push(eq(scores.resultId, opts.resultId));
  if (opts.name) where.push(eq(scores.name, opts.name));
  if (opts.source) where.push(eq(scores.source, opts.source));
  if (opts.authorId) where.push(eq(scores.authorId, opts.authorId));
  if (opts.from) where.push(gte(scores.createdAt, new Date(opts.from)));
  if (opts.to) where.push(lt(scores.createdAt, new Date(opts.to)));
  if (opts.cursor) {
    const key = decodeCursor(opts.cursor, 2);
    const at = typeof key?.[0] === 'string' ? new Date(key[0]) : null;
    if (!at || Number.isNaN(at.getTime()) || typeof key?.[1] !== 'string')
      throw new AppError('bad_request', 'Invalid cursor');
    const id = key[1];
    where.push(or(lt(scores.createdAt, at), and(eq(scores.createdAt, at), lt(scores.id, id))));
  }
  const rows = await db
    .select()
    .from(scores)
    .where(and(...where))
    .orderBy(desc(scores.createdAt), desc(scores.id))
    .limit(opts.limit + 1);
  const data = rows.slice(0, opts.limit);
  const last = data.at(-1);
  return {
    data,
    nextCursor:
      rows.length > opts.limit && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null,
  };
}

/** Every score of one run (the replay's header and scrubber), oldest first. */
export async function scoresOfRun(db: DbOrTx, projectId: string, runId: string): Promise<Score[]> {
  return db
    .select()
    .from(scores)
    .where(and(eq(scores.projectId, projectId), eq(scores.runId, runId)))
    .orderBy(asc(scores.createdAt), asc(scores.id));
}

/**
 * Deletes a score of the project, audited. `onlyAuthor`: only when it is this author's (a member
 * removing their own annotation).
 */
export async function deleteScore(
  db: DbOrTx,
  projectId: string,
  id: string,
  actor: AuditActor,
  onlyAuthor?: { source: Score['source']; authorId: string },
): Promise<void> {
  await db.transaction(async (tx) => {
    const [gone] = await tx
      .delete(scores)
      .where(
        and(
          eq(scores.id, id),
          eq(scores.projectId, projectId),
          onlyAuthor ? eq(scores.source, onlyAuthor.source) : undefined,
          onlyAuthor ? eq(scores.authorId, onlyAuthor.authorId) : undefined,
        ),
      )
      .returning();
    if (!gone) throw notFound('Score');
    await writeAudit(tx, {
      projectId,
      actor,
      action: 'score.deleted',
      target: id,
      before: {
        runId: gone.runId,
        seq: gone.seq,
        name: gone.name,
        value: gone.value,
        label: gone.label,
        source: gone.source,
        authorId: gone.authorId,
      },
    });
  });
}
