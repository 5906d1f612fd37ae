'use client';
import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { createQueue } from './actions';
import { AssigneePicker, type Reviewer } from './assignee-picker';

const field = 'mt-1 w-full rounded border border-zinc-300 px-2 py-1 text-sm';

/** Makes a queue from a history filter (the runs page's address, or its query). */
export function QueueForm({
  configNames,
  filter,
  reviewers,
}: {
  configNames: string[];
  filter: string;
  reviewers: Reviewer[];
}) {
  const [state, action, pending] = useActionState(createQueue, null);
  const err = (k: string) => state?.fieldErrors?.[k]?.[0];
  const values = state && !state.ok ? state.values : undefined;
  return (
    <Card>
      <CardHeader title="New queue" />
      <form action={action} aria-label="New annotation queue" className="grid gap-3 p-4 sm:grid-cols-2">
        <label className="text-sm">
          Name
          <input name="name" className={field} defaultValue={values?.name} />
          {err('name') && <span className="text-xs text-red-600">{err('name')}</span>}
        </label>
        <label className="text-sm">
          Score configs (comma-separated)
          <input
            name="scoreNames"
            className={field}
            defaultValue={values?.scoreNames ?? configNames.join(', ')}
          />
        </label>
        <label className="text-sm sm:col-span-2">
          History filter (a runs page address or its query; empty: every run)
          <input name="filter" className={field} defaultValue={values?.filter ?? filter} />
        </label>
        <label className="text-sm">
          At most (newest first)
          <input name="max" type="number" min={1} max={1000} className={field} defaultValue="100" />
        </label>
        <label className="text-sm">
          Random sample of (optional)
          <input name="sample" type="number" min={1} max={1000} className={field} />
        </label>
        <div className="sm:col-span-2">
          <AssigneePicker reviewers={reviewers} />
        </div>
        <div className="flex items-center gap-3 sm:col-span-2">
          <Button type="submit" disabled={pending}>
            Make queue
          </Button>
          <span role="status" className="text-sm">
            {state?.ok ? `Made ${state.name}.` : (state?.error ?? '')}
          </span>
        </div>
      </form>
    </Card>
  );
}
