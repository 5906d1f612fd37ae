'use client';
import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import { removeMonitor } from './actions';

export function DeleteMonitorButton({ id, name }: { id: string; name: string }) {
  const [state, action, pending] = useActionState(removeMonitor, null);
  return (
    <form
      action={action}
      className="inline-block"
      onSubmit={(e) => {
        if (!window.confirm(`Delete the monitor “${name}” and its incidents?`)) e.preventDefault();
      }}
    >
      <input type="hidden" name="id" value={id} />
      <Button type="submit" variant="danger" size="sm" disabled={pending}>
        Delete
      </Button>
      {state?.error && <span className="ml-2 text-xs text-red-600">{state.error}</span>}
    </form>
  );
}
