import 'server-only';
import { and, asc, desc, eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { runModels, runs } from '@/db/schema';

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

/** A conversation's runs, oldest first (a thread is small: capped at 500 turns). */
export async function listThreadRuns(db: DbOrTx, projectId: string, threadId: string) {
  return db
    .select()
    .from(runs)
    .where(and(eq(runs.projectId, projectId), eq(runs.threadId, threadId)))
    .orderBy(asc(runs.createdAt), asc(runs.id))
    .limit(500);
}

/** Dataset runs grouped by dataset: the latest runs first, capped (a dashboard overview, not an export). */
export async function listDatasetRuns(db: DbOrTx, projectId: string, limit = 300) {
  return db
    .select()
    .from(runs)
    .where(and(eq(runs.projectId, projectId), eq(runs.kind, 'dataset')))
    .orderBy(desc(runs.createdAt), desc(runs.id))
    .limit(limit);
}
