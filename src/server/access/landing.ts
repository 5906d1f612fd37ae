import 'server-only';
import { z } from 'zod';
import type { DbOrTx } from '@/db/client';
import { type Actor, listAccessibleProjects, projectAccess } from './roles';
import { runLanding } from './runs';

/**
 * The project an old unscoped link (`/runs/<id>`, `/usage`, `/`) lands in: the first of the actor's
 * projects with a run of that id; otherwise the project last viewed (the cookie's slug, when still theirs), else
 * their first project; null when they have none. A run of a project they may not see answers exactly
 * like an unknown run id, so the answer never reveals another project's slug.
 */
export async function landingProject(
  db: DbOrTx,
  actor: Actor,
  from: { runId?: string | null; lastSlug?: string | null },
): Promise<string | null> {
  if (from.runId && z.uuid().safeParse(from.runId).success) {
    const own = await runLanding(db, actor, from.runId);
    if (own) return own.project.slug;
  }
  if (from.lastSlug) {
    const last = await projectAccess(db, actor, { slug: from.lastSlug });
    if (last) return last.project.slug;
  }
  const [first] = await listAccessibleProjects(db, actor);
  return first?.slug ?? null;
}
