import 'server-only';
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { runs } from '@/db/schema';
import { queryRows } from '@/db/sql';

/**
 * The distinct models of a project's runs, for the filter dropdown (at most 200). A loose index scan:
 * each step asks runs_project_model_created_idx for the next model after the last one, in the index's
 * own order (ASC NULLS LAST), so the cost grows with the number of models, not of runs.
 */
export async function listRunModels(db: DbOrTx, projectId: string): Promise<string[]> {
  const rows = await queryRows<{ model: string }>(
    db,
    sql`with recursive m(model) as (
          (select model from runs where project_id = ${projectId}::uuid and model is not null
           order by model asc nulls last limit 1)
          union all
          select (select r.model from runs r where r.project_id = ${projectId}::uuid and r.model > m.model
                  order by r.model asc nulls last limit 1)
          from m where m.model is not null
        )
        select model from m where model is not null limit 200`,
  );
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
