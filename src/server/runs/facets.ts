import 'server-only';
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '@/db/client';
import { type Run, runColumns, runModels, runs } from '@/db/schema';
import { decodeCursor, encodeCursor } from '@/lib/cursor';
import { AppError } from '../errors';

/**
 * The distinct models of a project's runs, for the filter dropdown: read from run_models (kept by
 * triggers on runs), not a DISTINCT over every run on every render.
 */
export async function listRunModels(db: DbOrTx, projectId: string): Promise<string[]> {
  const rows = await db
    .select({ model: runModels.model })
    .from(runModels)
    .where(eq(runModels.projectId, projectId))
    .orderBy(asc(runModels.model))
    .limit(200);
  return rows.map((r) => r.model);
}

export const THREAD_PAGE_SIZE = 100;

/**
 * One page of a conversation's runs, oldest first, after the run named by `cursor` (keyset on
 * created_at, id: a long thread is read page by page, never whole), with the thread's size.
 */
export async function listThreadRuns(
  db: DbOrTx,
  projectId: string,
  threadId: string,
  opts: { cursor?: string; limit?: number } = {},
): Promise<{ data: Run[]; nextCursor: string | null; total: number }> {
  const limit = Math.min(Math.max(1, opts.limit ?? THREAD_PAGE_SIZE), 500);
  const key = opts.cursor ? (decodeCursor(opts.cursor, 2) as [string, string] | null) : null;
  if (opts.cursor && (!key || Number.isNaN(Date.parse(key[0])) || !z.uuid().safeParse(key[1]).success)) {
    throw new AppError('bad_request', 'Invalid cursor');
  }
  const thread = and(eq(runs.projectId, projectId), eq(runs.threadId, threadId));
  const [rows, [counted]] = await Promise.all([
    db
      .select(runColumns)
      .from(runs)
      .where(
        key
          ? and(thread, sql`(${runs.createdAt}, ${runs.id}) > (${key[0]}::timestamptz, ${key[1]}::uuid)`)
          : thread,
      )
      .orderBy(asc(runs.createdAt), asc(runs.id))
      .limit(limit + 1),
    db.select({ n: sql<number>`count(*)::int` }).from(runs).where(thread),
  ]);
  const more = rows.length > limit;
  const data = more ? rows.slice(0, limit) : rows;
  const last = data.at(-1);
  return {
    data,
    nextCursor: more && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null,
    total: Number(counted?.n ?? 0),
  };
}

/** Dataset runs grouped by dataset: the latest runs first, capped (a dashboard overview, not an export). */
export async function listDatasetRuns(db: DbOrTx, projectId: string, limit = 300) {
  return db
    .select(runColumns)
    .from(runs)
    .where(and(eq(runs.projectId, projectId), eq(runs.kind, 'dataset')))
    .orderBy(desc(runs.createdAt), desc(runs.id))
    .limit(limit);
}
