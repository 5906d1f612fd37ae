import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { currentUser } from '@/app/_lib/session';
import { LoginForm } from './login-form';

export const metadata: Metadata = { title: 'Sign in · runledger' };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  if (await currentUser()) redirect('/');
  const { next } = await searchParams;
  return (
    <main className="flex min-h-screen items-center justify-center bg-zinc-100 px-4">
      <div className="w-full max-w-sm rounded-xl border border-zinc-200 bg-white p-7 shadow-sm">
        <div className="mb-6">
          <p className="text-lg font-semibold tracking-tight">
            run<span className="text-emerald-600">ledger</span>
          </p>
          <h1 className="mt-3 text-base font-medium text-zinc-800">Sign in to the dashboard</h1>
          <p className="mt-1 text-sm text-zinc-500">
            Your account, or the owner account printed on the first start (
            <code className="rounded bg-zinc-100 px-1">RUNLEDGER_ADMIN_EMAIL</code> /{' '}
            <code className="rounded bg-zinc-100 px-1">RUNLEDGER_ADMIN_PASSWORD</code>).
          </p>
        </div>
        <LoginForm next={typeof next === 'string' ? next : undefined} />
      </div>
    </main>
  );
}
