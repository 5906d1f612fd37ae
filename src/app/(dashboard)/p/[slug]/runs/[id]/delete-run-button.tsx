'use client';
import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import { deleteRunAction } from './actions';

export function DeleteRunButton({ runId }: { runId: string }) {
  const [state, action, pending] = useActionState(deleteRunAction, null);
  return (
    <form
      action={action}
      className="flex items-center gap-2"
      onSubmit={(e) => {
        if (!window.confirm('Delete this run with its events and reports?')) e.preventDefault();
      }}
    >
      <input type="hidden" name="runId" value={runId} />
      <Button type="submit" size="sm" variant="danger" disabled={pending}>
        Delete run
      </Button>
      {state?.error && <span className="text-xs text-red-600">{state.error}</span>}
    </form>
  );
}
