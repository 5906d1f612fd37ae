'use server';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { validatedAction } from '@/lib/actions';
import { projectAccess } from '@/server/access';
import { getAuth } from '@/server/accounts/auth';
import { AppError } from '@/server/errors';
import { rememberProject } from './_lib/project';

export const switchProject = validatedAction(
  z.object({ slug: z.string().min(1).max(64) }),
  async ({ slug }, session) => {
    // Only the user's own projects: another project is "not found", as if it did not exist.
    const access = await projectAccess(getDb(), session.actor, { slug });
    if (!access) throw new AppError('not_found', 'Project not found');
    await rememberProject(access.project.slug);
    // Ids in the current URL belong to the old project: start over from its runs.
    redirect('/runs');
  },
);

/** Ends this browser's session (its row is deleted: a copied cookie stops working too). */
export const signOut = validatedAction(z.object({}), async () => {
  await (await getAuth()).api.signOut({ headers: new Headers(await headers()) });
  redirect('/login');
});

/** Ends every session of the user, on every device, this one included. */
export const signOutEverywhere = validatedAction(z.object({}), async () => {
  const auth = await getAuth();
  const h = new Headers(await headers());
  await auth.api.revokeSessions({ headers: h });
  (await cookies()).delete('rl.session_token');
  redirect('/login');
});
