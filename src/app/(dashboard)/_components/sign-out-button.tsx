'use client';
import { useActionState } from 'react';
import { signOut } from '../actions';

export function SignOutButton() {
  const [, action, pending] = useActionState(signOut, null);
  return (
    <form action={action}>
      <button
        type="submit"
        disabled={pending}
        className="w-full rounded-md px-2.5 py-1.5 text-left text-sm text-zinc-400 hover:bg-zinc-800/60 hover:text-zinc-100"
      >
        Sign out
      </button>
    </form>
  );
}
