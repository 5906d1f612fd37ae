'use client';
import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import { Field, Input } from '@/components/ui/input';
import { signOutEverywhere } from '../../actions';
import { changePassword } from './actions';

export function ChangePasswordForm() {
  const [state, action, pending] = useActionState(changePassword, null);
  const errors = state?.ok ? undefined : state?.fieldErrors;
  return (
    <form action={action} className="flex flex-col gap-3" aria-label="Change password">
      <Field label="Current password" htmlFor="current-password" errors={errors?.currentPassword}>
        <Input id="current-password" name="currentPassword" type="password" autoComplete="current-password" />
      </Field>
      <Field label="New password" htmlFor="new-password" errors={errors?.newPassword}>
        <Input id="new-password" name="newPassword" type="password" autoComplete="new-password" />
      </Field>
      <div className="flex items-center gap-3">
        <Button type="submit" disabled={pending}>
          Change password
        </Button>
        {state?.ok && (
          <span role="status" className="text-sm text-emerald-700">
            Password changed; your other sessions were signed out.
          </span>
        )}
        {state?.error && !errors && <span className="text-sm text-red-600">{state.error}</span>}
      </div>
    </form>
  );
}

export function SignOutEverywhereButton() {
  const [, action, pending] = useActionState(signOutEverywhere, null);
  return (
    <form action={action}>
      <Button type="submit" variant="secondary" disabled={pending}>
        Sign out everywhere
      </Button>
    </form>
  );
}
