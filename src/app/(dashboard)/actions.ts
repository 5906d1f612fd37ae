'use server';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { validatedAction } from '@/lib/actions';
import { destroySession } from '@/lib/session';
import { getProjectBySlug } from '@/server/projects';
import { AppError } from '@/server/errors';
import { PROJECT_COOKIE } from './_lib/project';

export const switchProject = validatedAction(
  z.object({ slug: z.string().min(1).max(64) }),
  async ({ slug }) => {
    const project = await getProjectBySlug(getDb(), slug);
    if (!project) throw new AppError('not_found', 'Project not found');
    (await cookies()).set(PROJECT_COOKIE, project.slug, {
      httpOnly: true,
      sameSite: 'lax',
      path: '/',
      maxAge: 365 * 86_400,
    });
    // Ids in the current URL belong to the old project: start over from its runs.
    redirect('/runs');
  },
);

export const signOut = validatedAction(z.object({}), async () => {
  await destroySession();
  redirect('/login');
});
