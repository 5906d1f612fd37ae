import 'server-only';
import { and, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { runs } from '@/db/schema';
import { type Actor, listAccessibleProjects, type ProjectAccess } from './roles';

/**
 * For an old `/runs/<id>` link, which names no project: the first of the actor's projects (in the
 * sidebar's order) that has a run with this id, or null. Run ids are unique per project only, so the
 * lookup is limited to the actor's projects: another project's run is never found.
 */
export async function runLanding(db: DbOrTx, actor: Actor, runId: string): Promise<ProjectAccess | null> {
  const mine = await listAccessibleProjects(db, actor);
  if (mine.length === 0) return null;
  const found = await db
    .select({ projectId: runs.projectId })
    .from(runs)
    .where(
      and(
        inArray(
          runs.projectId,
          mine.map((p) => p.id),
        ),
        eq(runs.id, runId),
      ),
    );
  const holding = new Set(found.map((r) => r.projectId));
  const project = mine.find((p) => holding.has(p.id));
  return project ? { actor, project, role: project.role } : null;
}
