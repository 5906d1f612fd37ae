'use server';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { validatedAction } from '@/app/_lib/actions';
import { getAuth } from '@/server/accounts/better-auth';

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
