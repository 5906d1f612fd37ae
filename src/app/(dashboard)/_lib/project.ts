import 'server-only';
import { cookies, headers } from 'next/headers';
import { notFound } from 'next/navigation';
import { cache } from 'react';
import { z } from 'zod';
import { requireUser } from '@/app/_lib/session';
import { getDb } from '@/db/client';
import type { Project, ProjectRole } from '@/db/schema';
import {
  type DashboardPage,
  hasRole,
  PAGE_ROLES,
  PATH_HEADER,
  pageOfPath,
  PROJECT_COOKIE,
  PROJECT_COOKIE_OPTIONS,
  PROJECT_HEADER,
  runIdOfPath,
} from '@/lib/project-path';
import type { SessionUser } from '@/server/accounts/sign-in';
import {
  landingProject,
  listAccessibleProjects,
  type ProjectAccess,
  requireProjectRole,
} from '@/server/access';
import { AppError } from '@/server/errors';
import { getRunById } from '@/server/runs';
import { assertRunInProject } from '@/server/runs/scope';

export { PAGE_ROLES };

/**
 * Remembers the project this browser last viewed, for the old unscoped links and `/`. The proxy does
 * it on every `/p/<slug>/…` page view; actions that land in a project they just created or joined call
 * it too. A hint only: access is checked per request.
 */
export async function rememberProject(slug: string): Promise<void> {
  (await cookies()).set(PROJECT_COOKIE, slug, PROJECT_COOKIE_OPTIONS);
}

/** The slug of the project this browser last viewed (unchecked), or null. */
export async function lastProjectSlug(): Promise<string | null> {
  return (await cookies()).get(PROJECT_COOKIE)?.value ?? null;
}

/** Where `/` and the old unscoped links land for this user (see landingProject), or null. */
export async function landingSlug(user: SessionUser, runId?: string | null): Promise<string | null> {
  return landingProject(getDb(), user.actor, { runId, lastSlug: await lastProjectSlug() });
}

export type RoledProject = Project & { role: ProjectRole };
export type DashboardContext = { user: SessionUser; projects: RoledProject[] };

/** The signed-in dashboard's context: checks the session, then lists the projects the user may open. */
export const dashboardContext = cache(async (): Promise<DashboardContext> => {
  const user = await requireUser();
  const projects = await listAccessibleProjects(getDb(), user.actor);
  return { user, projects };
});

/**
 * For the pages under `/p/<slug>/`: the project of the address, when it is the user's with at least
 * the page's role. Anything else (not their project, no such project, a role below the page's)
 * renders not-found: the same answer whether the project exists or not.
 */
export async function requireProject(
  slug: string,
  page: DashboardPage = 'runs',
): Promise<{ projects: RoledProject[]; project: RoledProject; user: SessionUser }> {
  const { user, projects } = await dashboardContext();
  const project = projects.find((p) => p.slug === slug);
  if (!project || !hasRole(project.role, PAGE_ROLES[page])) notFound();
  return { projects, project, user };
}

/**
 * The run of a run page's address in that project, or null (another project's run, no such run, not
 * an id). Read once per request: the layout checks it and the page renders it.
 */
export const projectRun = cache(async (projectId: string, runId: string) =>
  z.uuid().safeParse(runId).success ? getRunById(getDb(), projectId, runId) : null,
);

/**
 * Before anything of the page streams (the dashboard's loading shell would commit status 200): an
 * address in a project the user may not open, a page above their role there, or a run page whose run
 * is not the project's, is a 404. The page's own checks still run (a prefetch skips the proxy that
 * sets these headers).
 */
export async function requireAddressedPage(projects: RoledProject[]): Promise<void> {
  const h = await headers();
  const slug = h.get(PROJECT_HEADER);
  if (!slug) return;
  const project = projects.find((p) => p.slug === slug);
  const path = h.get(PATH_HEADER) ?? '';
  const page = pageOfPath(path);
  if (!project || (page && !hasRole(project.role, PAGE_ROLES[page]))) notFound();
  const runId = runIdOfPath(path);
  if (runId !== null && !(await projectRun(project.id, runId))) notFound();
}

/**
 * For server actions and the download route: the project of the page's address (the proxy passes its
 * slug on), with at least `min`, checked against the database. Throws AppError (not_found / forbidden),
 * which the action wrapper answers as the form's error.
 */
export async function projectFor(min: ProjectRole): Promise<ProjectAccess> {
  const { user } = await dashboardContext();
  const slug = (await headers()).get(PROJECT_HEADER);
  if (!slug) throw new AppError('not_found', 'Project not found');
  return requireProjectRole(getDb(), user.actor, { slug }, min);
}

/**
 * For a run page's server actions: the project of the page's address with at least `min`, when the run
 * is one of its runs (run ids are unique per project only); else not_found / forbidden.
 */
export async function runFor(runId: string, min: ProjectRole = 'viewer'): Promise<ProjectAccess> {
  const access = await projectFor(min);
  await assertRunInProject(getDb(), access.project.id, runId);
  return access;
}

/** The audit scope of an action: who acts, in which project. */
export const auditScope = (a: ProjectAccess) => ({
  actor: { id: a.actor.id, email: a.actor.email },
  projectId: a.project.id,
});
