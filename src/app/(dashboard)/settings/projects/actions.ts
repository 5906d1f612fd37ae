'use server';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { validatedAction } from '@/app/_lib/actions';
import { projectPath } from '@/lib/project-path';
import { writeAudit } from '@/server/audit';
import { AppError } from '@/server/errors';
import { projectSlug } from '@/lib/project-slug';
import { createProject } from '@/server/projects';
import { rememberProject } from '@/app/(dashboard)/_lib/project';

/** Only the instance admin creates projects (and owns every project). */
export const createProjectAction = validatedAction(
  z.object({ slug: projectSlug, name: z.string().trim().max(100).optional() }),
  async ({ slug, name }, session) => {
    if (!session.actor.isAdmin) throw new AppError('forbidden', 'Only the instance admin creates projects');
    const project = await getDb().transaction(async (tx) => {
      const p = await createProject(tx, { slug, name: name || undefined });
      await writeAudit(tx, {
        projectId: p.id,
        actor: { id: session.actor.id, email: session.actor.email },
        action: 'project.created',
        target: p.slug,
      });
      return p;
    });
    await rememberProject(project.slug);
    redirect(projectPath(project.slug, 'runs'));
  },
);
