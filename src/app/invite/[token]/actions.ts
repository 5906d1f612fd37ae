'use server';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { publicAction, validatedAction } from '@/app/_lib/actions';
import { projectPath } from '@/lib/project-path';
import { clientAddress } from '@/lib/request-security';
import { getAuth } from '@/server/accounts/better-auth';
import { signInWithPassword } from '@/server/accounts/sign-in';
import { acceptInvite } from '@/server/members';
import { getProjectById } from '@/server/projects';
import { rememberProject } from '../../(dashboard)/_lib/project';

const token = z.string().min(20, 'This invite link is not valid').max(200, 'This invite link is not valid');

const newAccount = z.object({
  token,
  name: z.string().trim().min(1, 'Enter your name').max(100),
  email: z.email('Enter an email address').max(320),
  password: z.string().min(8, 'At least 8 characters').max(200),
});

async function openProject(projectId: string): Promise<never> {
  const project = await getProjectById(getDb(), projectId);
  if (!project) redirect('/');
  await rememberProject(project.slug);
  redirect(projectPath(project.slug, 'runs'));
}

/** A new person: creates the account from the invite, then signs it in (an AppError is the form's message). */
export const joinWithNewAccount = publicAction(newAccount, async ({ token, ...who }) => {
  const { projectId } = await acceptInvite(getDb(), token, who);
  const h = new Headers(await headers());
  const signedIn = await signInWithPassword(getDb(), await getAuth(), {
    email: who.email,
    password: who.password,
    address: clientAddress(h),
    headers: h,
  });
  if (!signedIn.ok) redirect('/login');
  return openProject(projectId);
});

/** A signed-in user joins the invite's project. */
export const joinAsSignedIn = validatedAction(z.object({ token }), async ({ token }, session) => {
  const { projectId } = await acceptInvite(getDb(), token, { userId: session.actor.id });
  return openProject(projectId);
});
