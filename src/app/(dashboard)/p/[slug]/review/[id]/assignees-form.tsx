'use client';
import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import { saveAssignees } from '../actions';
import { AssigneePicker, type Reviewer } from '../assignee-picker';

/** Editors and owners name who reviews the queue. */
export function AssigneesForm({
  queueId,
  reviewers,
  selected,
}: {
  queueId: string;
  reviewers: Reviewer[];
  selected: string[];
}) {
  const [state, action, pending] = useActionState(saveAssignees, null);
  return (
    <form action={action} aria-label="Queue assignees" className="flex flex-col gap-3 p-4">
      <input type="hidden" name="id" value={queueId} />
      <AssigneePicker reviewers={reviewers} selected={selected} />
      {/* Nothing to save when there is nobody to tick and nobody to untick. */}
      <div className="flex items-center gap-3" hidden={reviewers.length === 0 && selected.length === 0}>
        <Button type="submit" size="sm" disabled={pending}>
          Save assignees
        </Button>
        <span role="status" className="text-sm">
          {state?.ok ? 'Saved.' : (state?.error ?? '')}
        </span>
      </div>
    </form>
  );
}
