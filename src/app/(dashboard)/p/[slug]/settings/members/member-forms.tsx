'use client';
import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import { Select } from '@/components/ui/input';
import { changeMember, removeMember, revokeInvite } from './actions';

function ErrorText({ state }: { state: { error?: string } | null }) {
  return state?.error ? <span className="text-xs text-red-600">{state.error}</span> : null;
}

export function MemberRoleForm({
  userId,
  role,
  roles,
}: {
  userId: string;
  role: string;
  roles: readonly string[];
}) {
  const [state, action, pending] = useActionState(changeMember, null);
  return (
    <form action={action} className="flex items-center gap-2">
      <input type="hidden" name="userId" value={userId} />
      <Select name="role" defaultValue={role} aria-label="Role" className="w-28" disabled={pending}>
        {roles.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </Select>
      <Button type="submit" size="sm" variant="secondary" disabled={pending}>
        Save
      </Button>
      <ErrorText state={state} />
    </form>
  );
}

export function RemoveMemberButton({ userId, email }: { userId: string; email: string }) {
  const [state, action, pending] = useActionState(removeMember, null);
  return (
    <form action={action} className="flex items-center gap-2">
      <input type="hidden" name="userId" value={userId} />
      <Button type="submit" size="sm" variant="danger" disabled={pending} aria-label={`Remove ${email}`}>
        Remove
      </Button>
      <ErrorText state={state} />
    </form>
  );
}

export function RevokeInviteButton({ inviteId }: { inviteId: string }) {
  const [state, action, pending] = useActionState(revokeInvite, null);
  return (
    <form action={action}>
      <input type="hidden" name="inviteId" value={inviteId} />
      <Button type="submit" size="sm" variant="secondary" disabled={pending}>
        Revoke
      </Button>
      <ErrorText state={state} />
    </form>
  );
}
