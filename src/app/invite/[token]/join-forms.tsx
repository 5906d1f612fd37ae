'use client';
import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import { Field, Input } from '@/components/ui/input';
import { joinAsSignedIn, joinWithNewAccount } from './actions';

function Alert({ error }: { error?: string }) {
  return error ? (
    <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
      {error}
    </p>
  ) : null;
}

export function NewAccountForm({ token }: { token: string }) {
  const [state, action, pending] = useActionState(joinWithNewAccount, null);
  const errors = state?.fieldErrors;
  return (
    <form action={action} className="flex flex-col gap-3">
      <input type="hidden" name="token" value={token} />
      <Field label="Name" htmlFor="join-name" errors={errors?.name}>
        <Input id="join-name" name="name" autoComplete="name" required />
      </Field>
      <Field label="Email" htmlFor="join-email" errors={errors?.email}>
        <Input id="join-email" name="email" type="email" autoComplete="username" required />
      </Field>
      <Field label="Password" htmlFor="join-password" errors={errors?.password}>
        <Input id="join-password" name="password" type="password" autoComplete="new-password" required />
      </Field>
      <Alert error={errors?.token?.[0] ?? (errors ? undefined : state?.error)} />
      <Button type="submit" disabled={pending}>
        Create account and join
      </Button>
    </form>
  );
}

export function JoinButton({ token }: { token: string }) {
  const [state, action, pending] = useActionState(joinAsSignedIn, null);
  return (
    <form action={action} className="flex flex-col gap-3">
      <input type="hidden" name="token" value={token} />
      <Alert error={state?.fieldErrors?.token?.[0] ?? state?.error} />
      <Button type="submit" disabled={pending}>
        Join the project
      </Button>
    </form>
  );
}
