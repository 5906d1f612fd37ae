'use client';
import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import { removeQueue, reviewNext } from '../actions';

/** Leases the next run and opens it. */
export function ReviewNextButton({ queueId }: { queueId: string }) {
  const [state, action, pending] = useActionState(reviewNext, null);
  return (
    <form action={action} className="flex items-center gap-2">
      <input type="hidden" name="queueId" value={queueId} />
      <Button type="submit" disabled={pending}>
        Review next
      </Button>
      {state?.error && <span className="text-xs text-red-600">{state.error}</span>}
    </form>
  );
}

export function DeleteQueueButton({ id }: { id: string }) {
  const [state, action, pending] = useActionState(removeQueue, null);
  return (
    <form action={action} className="flex items-center gap-2">
      <input type="hidden" name="id" value={id} />
      <Button type="submit" size="sm" variant="ghost" disabled={pending}>
        Delete queue
      </Button>
      {state?.error && <span className="text-xs text-red-600">{state.error}</span>}
    </form>
  );
}
