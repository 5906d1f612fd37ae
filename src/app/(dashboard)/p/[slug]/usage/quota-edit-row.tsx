'use client';
import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import { FieldError, Input, Select } from '@/components/ui/input';
import type { QuotaDto } from '@/lib/contract';
import { changeQuota, removeQuota } from './actions';
import { FormError } from './form-error';
import { windowLabels } from './format';

/** One quota's row in the editor: change its limit and mode in place, or delete it. */
export function QuotaEditRow({ quota }: { quota: QuotaDto }) {
  const [state, action, pending] = useActionState(changeQuota, null);
  const [delState, delAction, deleting] = useActionState(removeQuota, null);
  const label = `${quota.subject} ${quota.metric} ${quota.window}`;
  const errors = state?.ok ? undefined : state?.fieldErrors;
  const values = state?.ok ? undefined : state?.values;
  return (
    <tr data-testid="quota-edit-row" data-quota={label} className="align-top">
      <td className="border-b border-zinc-100 px-3 py-2 font-mono text-xs text-zinc-900">
        {quota.subject === '*' ? '* (each subject)' : quota.subject}
      </td>
      <td className="border-b border-zinc-100 px-3 py-2 text-zinc-700">{quota.metric}</td>
      <td className="border-b border-zinc-100 px-3 py-2 text-zinc-700">{windowLabels[quota.window]}</td>
      <td className="border-b border-zinc-100 px-3 py-2">
        <form action={action} className="flex flex-wrap items-start gap-2" noValidate>
          <input type="hidden" name="id" value={quota.id} />
          <div className="flex flex-col gap-1">
            <Input
              name="limit"
              aria-label={`Limit of ${label}`}
              inputMode="numeric"
              // A new key after a save shows the stored value again.
              key={`${quota.limit}-${quota.updatedAt}`}
              defaultValue={values?.limit ?? String(quota.limit)}
              className="h-8 w-32"
              aria-invalid={Boolean(errors?.limit)}
            />
            <FieldError errors={errors?.limit} />
          </div>
          <div className="flex flex-col gap-1">
            <Select
              name="mode"
              aria-label={`Mode of ${label}`}
              key={`${quota.mode}-${quota.updatedAt}`}
              defaultValue={values?.mode ?? quota.mode}
              className="h-8"
            >
              <option value="hard">hard</option>
              <option value="soft">soft</option>
            </Select>
            <FieldError errors={errors?.mode} />
          </div>
          <Button type="submit" size="sm" variant="secondary" className="h-8" disabled={pending}>
            {pending ? 'Saving…' : 'Save'}
          </Button>
          {state?.ok && (
            <span role="status" className="self-center text-xs text-emerald-700">
              Saved
            </span>
          )}
          <FormError state={state} />
        </form>
      </td>
      <td className="border-b border-zinc-100 px-3 py-2 text-right">
        <form
          action={delAction}
          onSubmit={(e) => {
            if (!window.confirm(`Delete the ${windowLabels[quota.window]} quota on ${quota.metric}?`)) {
              e.preventDefault();
            }
          }}
        >
          <input type="hidden" name="id" value={quota.id} />
          <Button type="submit" size="sm" variant="danger" disabled={deleting} aria-label={`Delete ${label}`}>
            {deleting ? 'Deleting…' : 'Delete'}
          </Button>
          <FormError state={delState} />
        </form>
      </td>
    </tr>
  );
}
