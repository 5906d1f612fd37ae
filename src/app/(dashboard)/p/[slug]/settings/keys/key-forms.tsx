'use client';
import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import { CopyButton } from '@/components/ui/copy-button';
import { FieldError, Input, Label } from '@/components/ui/input';
import { createKey, revokeKey } from './actions';

export function CreateKeyForm() {
  const [state, action, pending] = useActionState(createKey, null);
  return (
    <div className="flex flex-col gap-3">
      <form action={action} className="flex flex-wrap items-end gap-2">
        <div className="flex flex-col gap-1">
          <Label htmlFor="key-name">Name</Label>
          <Input
            id="key-name"
            name="name"
            placeholder="e.g. production agent"
            defaultValue={state?.ok ? '' : state?.values?.name}
            className="w-64"
          />
        </div>
        <Button type="submit" disabled={pending}>
          {pending ? 'Creating…' : 'Create key'}
        </Button>
      </form>
      <FieldError errors={state?.fieldErrors?.name} />
      {state?.error && !state.fieldErrors && <p className="text-sm text-red-600">{state.error}</p>}
      {state?.ok && (
        <div
          role="status"
          className="rounded-md border border-emerald-200 bg-emerald-50 p-3"
          data-testid="new-key"
        >
          <p className="text-sm font-medium text-emerald-900">
            Key “{state.name}” created. Copy it now: it is shown only this once.
          </p>
          <div className="mt-2 flex items-center gap-2">
            <code
              className="min-w-0 flex-1 truncate rounded bg-white px-2 py-1.5 font-mono text-sm"
              data-testid="plain-key"
            >
              {state.key}
            </code>
            <CopyButton text={state.key} />
          </div>
        </div>
      )}
    </div>
  );
}

export function RevokeKeyButton({ keyId, name }: { keyId: string; name: string }) {
  const [state, action, pending] = useActionState(revokeKey, null);
  return (
    <form
      action={action}
      onSubmit={(e) => {
        if (!window.confirm(`Revoke the key “${name}”? Clients using it stop working at once.`))
          e.preventDefault();
      }}
    >
      <input type="hidden" name="keyId" value={keyId} />
      <Button type="submit" size="sm" variant="danger" disabled={pending} aria-label={`Revoke ${name}`}>
        {pending ? 'Revoking…' : 'Revoke'}
      </Button>
      {state?.error && <p className="mt-1 text-xs text-red-600">{state.error}</p>}
    </form>
  );
}
