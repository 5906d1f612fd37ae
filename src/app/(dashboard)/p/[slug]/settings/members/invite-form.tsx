'use client';
import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import { CopyButton } from '@/components/ui/copy-button';
import { Label, Select } from '@/components/ui/input';
import { createInvite } from './actions';

export function InviteForm({ roles }: { roles: readonly string[] }) {
  const [state, action, pending] = useActionState(createInvite, null);
  const link = state?.ok ? `${window.location.origin}${state.path}` : null;
  return (
    <div className="flex flex-col gap-3">
      <form action={action} className="flex flex-wrap items-end gap-2">
        <div className="flex flex-col gap-1">
          <Label htmlFor="invite-role">Role</Label>
          <Select id="invite-role" name="role" defaultValue="viewer" className="w-40">
            {roles.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </Select>
        </div>
        <Button type="submit" disabled={pending}>
          {pending ? 'Creating…' : 'Create invite link'}
        </Button>
      </form>
      {state?.error && <p className="text-sm text-red-600">{state.error}</p>}
      {link && (
        <div role="status" className="rounded-md border border-emerald-200 bg-emerald-50 p-3">
          <p className="text-sm text-emerald-900">
            Send this link to one person: it works once, for 7 days, and makes them {state?.ok && state.role}.
          </p>
          <div className="mt-2 flex items-center gap-2">
            <code
              className="min-w-0 flex-1 truncate rounded bg-white px-2 py-1.5 text-sm"
              data-testid="invite-link"
            >
              {link}
            </code>
            <CopyButton text={link} />
          </div>
        </div>
      )}
    </div>
  );
}
