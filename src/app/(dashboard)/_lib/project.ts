import 'server-only';
import { cookies } from 'next/headers';
import { notFound } from 'next/navigation';
import { cache } from 'react';
import { requireUser } from '@/app/_lib/auth';
import { getDb } from '@/db/client';
import type { Project, ProjectRole } from '@/db/schema';
import type { SessionUser } from '@/server/accounts/sign-in';
import { hasRole, listAccessibleProjects, type ProjectAccess, requireProjectRole } from '@/server/access';
import { AppError } from '@/server/errors';

export const PROJECT_COOKIE = 'rl_project';

/** Remembers the project this browser last opened (a year; a hint only: access is checked per request). */
export async function rememberProject(slug: string): Promise<void> {
  (await cookies()).set(PROJECT_COOKIE, slug, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    maxAge: 365 * 86_400,
  });
}

export type RoledProject = Project & { role: ProjectRole };
export type DashboardContext = { user: SessionUser; projects: RoledProject[]; project: RoledProject | null };

/**
 * The signed-in dashboard's context: checks the session, then picks, among the projects the user may
 * open, the one chosen in the `rl_project` cookie (or the first). Every page calls this first.
 */
export const dashboardContext = cache(async (): Promise<DashboardContext> => {
  const user = await requireUser();
  const projects = await listAccessibleProjects(getDb(), user.actor);
  const slug = (await cookies()).get(PROJECT_COOKIE)?.value;
  const project = projects.find((p) => p.slug === slug) ?? projects[0] ?? null;
  return { user, projects, project };
});

/** The least role each dashboard page needs; the page data functions check it on the server. */
export const PAGE_ROLES = {
  runs: 'viewer',
  run: 'viewer',
  threads: 'viewer',
  datasets: 'viewer',
  usage: 'viewer',
  keys: 'viewer',
  compare: 'viewer',
  prices: 'viewer',
  audit: 'editor',
  members: 'owner',
  retention: 'owner',
} as const satisfies Record<string, ProjectRole>;

/**
 * For pages that need a project: none at all renders the empty state (null); a role below the page's
 * renders not-found, like a project that is not the user's.
 */
export async function requireProject(
  page: keyof typeof PAGE_ROLES = 'runs',
): Promise<{ projects: RoledProject[]; project: RoledProject; user: SessionUser } | null> {
  const ctx = await dashboardContext();
  if (!ctx.project) return null;
  if (!hasRole(ctx.project.role, PAGE_ROLES[page])) notFound();
  return { projects: ctx.projects, project: ctx.project, user: ctx.user };
}

/**
 * For server actions: the current project with at least `min`, checked again against the database.
 * Throws AppError (not_found / forbidden), which the action wrapper answers as the form's error.
 */
export async function projectFor(min: ProjectRole): Promise<ProjectAccess> {
  const ctx = await dashboardContext();
  if (!ctx.project) throw new AppError('not_found', 'No project selected');
  return requireProjectRole(getDb(), ctx.user.actor, { id: ctx.project.id }, min);
}

/** The audit scope of an action: who acts, in which project. */
export const auditScope = (a: ProjectAccess) => ({
  actor: { id: a.actor.id, email: a.actor.email },
  projectId: a.project.id,
});
