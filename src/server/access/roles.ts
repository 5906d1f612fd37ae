import 'server-only';
import { and, asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { type Project, type ProjectRole, projectMembers, projectRole, projects } from '@/db/schema';
import { AppError } from '../errors';

/** Weakest first, as declared in the schema's enum. */
export const ROLES: readonly ProjectRole[] = projectRole.enumValues;

import { hasRole } from '@/lib/project-path';

export { hasRole };

/** Who is acting: a signed-in user (id, email, instance admin flag). */
export type Actor = { id: string; email: string; isAdmin: boolean };

export type ProjectAccess = { actor: Actor; project: Project; role: ProjectRole };

/** The projects the actor may open, with the actor's role in each (an instance admin owns all). */
export async function listAccessibleProjects(
  db: DbOrTx,
  actor: Actor,
): Promise<(Project & { role: ProjectRole })[]> {
  if (actor.isAdmin) {
    const rows = await db.select().from(projects).orderBy(asc(projects.createdAt), asc(projects.slug));
    return rows.map((p) => ({ ...p, role: 'owner' as const }));
  }
  const rows = await db
    .select({ project: projects, role: projectMembers.role })
    .from(projectMembers)
    .innerJoin(projects, eq(projects.id, projectMembers.projectId))
    .where(eq(projectMembers.userId, actor.id))
    .orderBy(asc(projects.createdAt), asc(projects.slug));
  return rows.map((r) => ({ ...r.project, role: r.role }));
}

/** The actor's access to a project by slug or id, or null when it is not theirs (or does not exist). */
export async function projectAccess(
  db: DbOrTx,
  actor: Actor,
  project: { slug: string } | { id: string },
): Promise<ProjectAccess | null> {
  const where = 'slug' in project ? eq(projects.slug, project.slug) : eq(projects.id, project.id);
  if (actor.isAdmin) {
    const [p] = await db.select().from(projects).where(where);
    return p ? { actor, project: p, role: 'owner' } : null;
  }
  const [row] = await db
    .select({ project: projects, role: projectMembers.role })
    .from(projects)
    .innerJoin(
      projectMembers,
      and(eq(projectMembers.projectId, projects.id), eq(projectMembers.userId, actor.id)),
    )
    .where(where);
  return row ? { actor, project: row.project, role: row.role } : null;
}

/**
 * The check every page data function and server action makes: the project must be the actor's
 * (else `not_found`, the same answer as a project that does not exist) and the role at least `min`
 * (else `forbidden`).
 */
export async function requireProjectRole(
  db: DbOrTx,
  actor: Actor,
  project: { slug: string } | { id: string },
  min: ProjectRole,
): Promise<ProjectAccess> {
  const access = await projectAccess(db, actor, project);
  if (!access) throw new AppError('not_found', 'Project not found');
  if (!hasRole(access.role, min)) {
    throw new AppError('forbidden', `This needs the ${min} role; you are a ${access.role} of this project`);
  }
  return access;
}
