'use client';
import Link from 'next/link';
import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import { finishAndNext } from '../../review/actions';

/**
 * Shown over a run opened from an annotation queue: score it in the panel below, then complete or
 * skip it, which opens the next run of the queue.
 */
export function QueueBar({
  queueId,
  itemId,
  queueName,
  left,
  href,
}: {
  queueId: string;
  itemId: string;
  queueName: string;
  left: number;
  href: string;
}) {
  const [state, action, pending] = useActionState(finishAndNext, null);
  return (
    <form
      action={action}
      data-testid="queue-bar"
      className="mb-3 flex flex-wrap items-center gap-3 rounded-lg border border-blue-200 bg-blue-50 px-3 py-2 text-sm"
    >
      <input type="hidden" name="queueId" value={queueId} />
      <input type="hidden" name="itemId" value={itemId} />
      <span>
        Reviewing for{' '}
        <Link className="font-medium text-blue-700 hover:underline" href={href}>
          {queueName}
        </Link>{' '}
        · {left} left
      </span>
      <Button type="submit" name="action" value="complete" size="sm" disabled={pending}>
        Complete and next
      </Button>
      <Button type="submit" name="action" value="skip" size="sm" variant="ghost" disabled={pending}>
        Skip
      </Button>
      {state?.error && <span className="text-xs text-red-600">{state.error}</span>}
    </form>
  );
}
