'use server';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { currentUser, FOREIGN_ORIGIN, sameOriginRequest } from '@/app/_lib/auth';
import { getDb } from '@/db/client';
import { projectPath } from '@/lib/project-path';
import { clientAddress } from '@/lib/request-security';
import { getAuth } from '@/server/accounts/auth';
import { signInWithPassword } from '@/server/accounts/sign-in';
import { isAppError } from '@/server/errors';
import { acceptInvite } from '@/server/members';
import { getProjectById } from '@/server/projects';
import { rememberProject } from '../../(dashboard)/_lib/project';

export type JoinState = { error?: string; fieldErrors?: Record<string, string[]> } | null;

const newAccount = z.object({
  token: z.string().min(20).max(200),
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

/** A new person: creates the account from the invite, then signs it in. */
export async function joinWithNewAccount(_prev: JoinState, formData: FormData): Promise<JoinState> {
  if (!(await sameOriginRequest())) return { error: FOREIGN_ORIGIN };
  const parsed = newAccount.safeParse(Object.fromEntries(formData));
  if (!parsed.success)
    return { error: 'Please correct the fields.', fieldErrors: z.flattenError(parsed.error).fieldErrors };
  const { token, ...who } = parsed.data;
  let projectId: string;
  try {
    ({ projectId } = await acceptInvite(getDb(), token, who));
  } catch (err) {
    if (isAppError(err)) return { error: err.message };
    throw err;
  }
  const h = new Headers(await headers());
  const signedIn = await signInWithPassword(getDb(), await getAuth(), {
    email: who.email,
    password: who.password,
    address: clientAddress(h),
    headers: h,
  });
  if (!signedIn.ok) redirect('/login');
  return openProject(projectId);
}

/** A signed-in user joins the invite's project. */
export async function joinAsSignedIn(_prev: JoinState, formData: FormData): Promise<JoinState> {
  if (!(await sameOriginRequest())) return { error: FOREIGN_ORIGIN };
  const user = await currentUser();
  if (!user) redirect('/login');
  const token = z.string().min(20).max(200).safeParse(formData.get('token'));
  if (!token.success) return { error: 'This invite link is not valid' };
  let projectId: string;
  try {
    ({ projectId } = await acceptInvite(getDb(), token.data, { userId: user.actor.id }));
  } catch (err) {
    if (isAppError(err)) return { error: err.message };
    throw err;
  }
  return openProject(projectId);
}
