'use client';
import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import { FieldError, Input, Label, Select } from '@/components/ui/input';
import { addDestination, redeliverDelivery, removeDestination, testDestination } from './actions';

export function AddDestinationForm() {
  const [state, action, pending] = useActionState(addDestination, null);
  return (
    <div className="flex flex-col gap-3">
      <form action={action} className="flex flex-wrap items-end gap-2">
        <div className="flex flex-col gap-1">
          <Label htmlFor="dest-url">URL</Label>
          <Input
            id="dest-url"
            name="url"
            placeholder="https://hooks.example.com/runledger"
            className="w-80"
            defaultValue={state?.ok ? '' : state?.values?.url}
          />
        </div>
        <div className="flex flex-col gap-1">
          <Label htmlFor="dest-format">Format</Label>
          <Select id="dest-format" name="format" defaultValue="standard">
            <option value="standard">Standard Webhooks (signed JSON)</option>
            <option value="slack">Slack incoming webhook</option>
          </Select>
        </div>
        <div className="flex flex-col gap-1">
          <Label htmlFor="dest-name">Name</Label>
          <Input id="dest-name" name="name" placeholder="optional" className="w-48" />
        </div>
        <Button type="submit" disabled={pending}>
          {pending ? 'Adding…' : 'Add destination'}
        </Button>
      </form>
      <FieldError errors={state?.fieldErrors?.url} />
      {state?.error && !state.fieldErrors && <p className="text-sm text-red-600">{state.error}</p>}
      {state?.ok && (
        <div
          role="status"
          className="rounded-md border border-emerald-200 bg-emerald-50 p-3"
          data-testid="new-secret"
        >
          <p className="text-sm font-medium text-emerald-900">
            “{state.name}” added. Its signing secret is shown only this once:
          </p>
          <code className="mt-2 block truncate rounded bg-white px-2 py-1.5 font-mono text-sm">
            {state.secret}
          </code>
        </div>
      )}
    </div>
  );
}

/** A one-button form for an action on one row (test, delete, redeliver). */
function RowAction({
  act,
  id,
  label,
  busy,
  confirm,
  variant = 'secondary',
}: {
  act: typeof testDestination;
  id: string | number;
  label: string;
  busy: string;
  confirm?: string;
  variant?: 'secondary' | 'danger';
}) {
  const [state, action, pending] = useActionState(act, null);
  return (
    <form
      action={action}
      className="inline-block"
      onSubmit={(e) => {
        if (confirm && !window.confirm(confirm)) e.preventDefault();
      }}
    >
      <input type="hidden" name="id" value={id} />
      <Button type="submit" size="sm" variant={variant} disabled={pending}>
        {pending ? busy : state?.ok ? `${label} ✓` : label}
      </Button>
      {state?.error && <p className="mt-1 text-xs text-red-600">{state.error}</p>}
    </form>
  );
}

export const TestButton = ({ id }: { id: string }) => (
  <RowAction act={testDestination} id={id} label="Send test event" busy="Sending…" />
);
export const DeleteButton = ({ id, name }: { id: string; name: string }) => (
  <RowAction
    act={removeDestination}
    id={id}
    label="Delete"
    busy="Deleting…"
    variant="danger"
    confirm={`Delete “${name}” and its delivery log?`}
  />
);
export const RedeliverButton = ({ id }: { id: number }) => (
  <RowAction act={redeliverDelivery as typeof testDestination} id={id} label="Redeliver" busy="Queuing…" />
);
