import 'server-only';
import { and, asc, desc, eq, isNotNull } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { runColumns, runs } from '@/db/schema';

/** The distinct models of a project's runs, for the filter dropdown. */
export async function listRunModels(db: DbOrTx, projectId: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ model: runs.model })
    .from(runs)
    .where(and(eq(runs.projectId, projectId), isNotNull(runs.model)))
    .orderBy(asc(runs.model))
    .limit(200);
  return rows.map((r) => r.model!);
}

/** A conversation's runs, oldest first (a thread is small: capped at 500 turns). */
export async function listThreadRuns(db: DbOrTx, projectId: string, threadId: string) {
  return db
    .select(runColumns)
    .from(runs)
    .where(and(eq(runs.projectId, projectId), eq(runs.threadId, threadId)))
    .orderBy(asc(runs.createdAt), asc(runs.id))
    .limit(500);
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
