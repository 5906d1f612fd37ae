import 'server-only';
import { cookies } from 'next/headers';
import { cache } from 'react';
import { getDb } from '@/db/client';
import type { Project } from '@/db/schema';
import { AppError } from '@/server/errors';
import { requireSession } from '@/lib/session';
import { listProjects } from '@/server/projects';
import { startServer } from '@/server/startup';

export const PROJECT_COOKIE = 'rl_project';

export type DashboardContext = { projects: Project[]; project: Project | null };

/**
 * The signed-in dashboard's context: checks the session, then picks the project chosen in the
 * `rl_project` cookie (or the first one). Every page calls this before reading anything.
 */
export const dashboardContext = cache(async (): Promise<DashboardContext> => {
  await requireSession();
  await startServer();
  const projects = await listProjects(getDb());
  const slug = (await cookies()).get(PROJECT_COOKIE)?.value;
  const project = projects.find((p) => p.slug === slug) ?? projects[0] ?? null;
  return { projects, project };
});

/**
 * The project chosen in the dashboard, for server actions: checks the session again (redirects to
 * /login without one); no project at all is a not_found AppError.
 */
export async function currentProjectId(): Promise<string> {
  const { project } = await dashboardContext();
  if (!project) throw new AppError('not_found', 'No project selected');
  return project.id;
}

/** Like dashboardContext, for pages that need a project: none at all renders the empty state. */
export async function requireProject(): Promise<{ projects: Project[]; project: Project } | null> {
  const ctx = await dashboardContext();
  return ctx.project ? { projects: ctx.projects, project: ctx.project } : null;
}
