import type { Metadata } from 'next';
import Link from 'next/link';
import { currentUser } from '@/app/_lib/session';
import { getDb } from '@/db/client';
import { findUsableInvite } from '@/server/members';
import { JoinButton, NewAccountForm } from './join-forms';

export const metadata: Metadata = { title: 'Invite · runledger' };

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const user = await currentUser();
  const found = await findUsableInvite(getDb(), token);
  return (
    <main className="flex min-h-screen items-center justify-center bg-zinc-100 px-4">
      <div className="w-full max-w-sm rounded-xl border border-zinc-200 bg-white p-7 shadow-sm">
        <p className="mb-4 text-lg font-semibold tracking-tight">
          run<span className="text-emerald-600">ledger</span>
        </p>
        {!found ? (
          <p role="alert" className="text-sm text-zinc-700">
            This invite link is not valid: it was used or has expired. Ask for a new one.
          </p>
        ) : (
          <>
            <h1 className="mb-4 text-base font-medium text-zinc-800">
              Join {found.project.name} as {found.invite.role}
            </h1>
            {user ? (
              <>
                <p className="mb-3 text-sm text-zinc-500">Signed in as {user.actor.email}.</p>
                <JoinButton token={token} />
              </>
            ) : (
              <>
                <NewAccountForm token={token} />
                <p className="mt-4 text-sm text-zinc-500">
                  Have an account?{' '}
                  <Link className="underline" href={`/login?next=${encodeURIComponent(`/invite/${token}`)}`}>
                    Sign in
                  </Link>{' '}
                  first.
                </p>
              </>
            )}
          </>
        )}
      </div>
    </main>
  );
}
