'use client';
import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import { removeScoreConfig } from './actions';

export function RemoveConfigButton({ name }: { name: string }) {
  const [state, action, pending] = useActionState(removeScoreConfig, null);
  return (
    <form action={action} className="flex items-center gap-2">
      <input type="hidden" name="name" value={name} />
      <Button
        type="submit"
        size="sm"
        variant="danger"
        disabled={pending}
        aria-label={`Delete the ${name} config`}
      >
        Delete
      </Button>
      {state?.error && <span className="text-xs text-red-600">{state.error}</span>}
    </form>
  );
}
