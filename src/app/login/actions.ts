'use server';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { checkAdminPassword } from '@/server/auth/admin';
import { createSession } from '@/lib/session';
import { startServer } from '@/server/startup';

export type LoginState = { error?: string; fieldErrors?: Record<string, string[]> } | null;

const loginSchema = z.object({
  password: z.string().min(1, 'Enter the admin password').max(1000),
  next: z.string().max(2000).optional(),
});

/** Only same-site paths: an open redirect through ?next= would be a phishing aid. */
function safeNext(next: string | undefined): string {
  return next?.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/runs';
}

// The one action without a session: it is how a session starts.
export async function signIn(_prev: LoginState, formData: FormData): Promise<LoginState> {
  const parsed = loginSchema.safeParse({
    password: formData.get('password') ?? '',
    next: formData.get('next') ?? undefined,
  });
  if (!parsed.success) {
    return { error: 'Enter the admin password.', fieldErrors: z.flattenError(parsed.error).fieldErrors };
  }
  await startServer();
  if (!(await checkAdminPassword(getDb(), parsed.data.password))) {
    return { error: 'Wrong password. Try again.' };
  }
  await createSession();
  redirect(safeNext(parsed.data.next));
}
