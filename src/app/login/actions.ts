'use server';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { FOREIGN_ORIGIN, sameOriginRequest } from '@/app/_lib/session';
import { getDb } from '@/db/client';
import { clientAddress, safeNextPath } from '@/lib/request-security';
import { getAuth } from '@/server/accounts/better-auth';
import { signInWithPassword } from '@/server/accounts/sign-in';
import { startServer } from '@/server/startup';

/** A refused sign-in: the message, and the email as typed (the form shows it again; never the password). */
export type LoginState = { error?: string; fieldErrors?: Record<string, string[]>; email?: string } | null;

const loginSchema = z.object({
  email: z.string().trim().min(1, 'Enter your email').max(320),
  password: z.string().min(1, 'Enter your password').max(1000),
  next: z.string().max(2000).optional(),
});

// The one action without a session: it is how a session starts.
export async function signIn(_prev: LoginState, formData: FormData): Promise<LoginState> {
  const typed = formData.get('email');
  const email = typeof typed === 'string' ? typed.slice(0, 320) : '';
  if (!(await sameOriginRequest())) return { error: FOREIGN_ORIGIN, email };
  const parsed = loginSchema.safeParse({
    email: formData.get('email') ?? '',
    password: formData.get('password') ?? '',
    next: formData.get('next') ?? undefined,
  });
  if (!parsed.success) {
    return {
      error: 'Enter your email and password.',
      fieldErrors: z.flattenError(parsed.error).fieldErrors,
      email,
    };
  }
  await startServer();
  const h = new Headers(await headers());
  const result = await signInWithPassword(getDb(), await getAuth(), {
    email: parsed.data.email,
    password: parsed.data.password,
    address: clientAddress(h),
    headers: h,
  });
  if (!result.ok) return { error: result.error, email };
  redirect(safeNextPath(parsed.data.next));
}
