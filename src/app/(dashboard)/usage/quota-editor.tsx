'use client';
import { useActionState, useEffect, useRef } from 'react';
import { Button } from '@/components/ui/button';
import { Field, FieldError, Input, Select } from '@/components/ui/input';
import type { QuotaDto } from '@/lib/contract';
import { quotaWindows } from '@/lib/contract/usage';
import { changeQuota, createQuota, removeQuota } from './actions';
import { windowLabels } from './format';

/** A form-level message that is not about one field (session expired, duplicate, not found). */
function FormError({ state }: { state: { error?: string; fieldErrors?: unknown } | null }) {
  if (!state?.error || state.fieldErrors) return null;
  return (
    <p role="alert" className="text-xs text-red-600">
      {state.error}
    </p>
  );
}

export function CreateQuotaForm() {
  const [state, action, pending] = useActionState(createQuota, null);
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state?.ok) form.current?.reset();
  }, [state]);
  const values = state?.ok ? undefined : state?.values;
  const errors = state?.ok ? undefined : state?.fieldErrors;
  return (
    <form ref={form} action={action} className="flex flex-col gap-2" aria-label="New quota" noValidate>
      <div className="flex flex-wrap items-start gap-3">
        <Field label="Subject" htmlFor="quota-subject" errors={errors?.subject}>
          <Input
            id="quota-subject"
            name="subject"
            placeholder="* or a user id"
            defaultValue={values?.subject ?? '*'}
            className="w-40"
            aria-invalid={Boolean(errors?.subject)}
          />
        </Field>
        <Field label="Metric" htmlFor="quota-metric" errors={errors?.metric}>
          <Input
            id="quota-metric"
            name="metric"
            placeholder="tokens"
            defaultValue={values?.metric ?? ''}
            className="w-40"
            aria-invalid={Boolean(errors?.metric)}
          />
        </Field>
        <Field label="Window" htmlFor="quota-window" errors={errors?.window}>
          <Select id="quota-window" name="window" defaultValue={values?.window ?? 'day'}>
            {quotaWindows.map((w) => (
              <option key={w} value={w}>
                {windowLabels[w]}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Limit" htmlFor="quota-limit" errors={errors?.limit}>
          <Input
            id="quota-limit"
            name="limit"
            inputMode="numeric"
            placeholder="e.g. 50000"
            defaultValue={values?.limit ?? ''}
            className="w-36"
            aria-invalid={Boolean(errors?.limit)}
          />
        </Field>
        <Field label="Mode" htmlFor="quota-mode" errors={errors?.mode}>
          <Select id="quota-mode" name="mode" defaultValue={values?.mode ?? 'hard'}>
            <option value="hard">hard (refuse past the limit)</option>
            <option value="soft">soft (warn only)</option>
          </Select>
        </Field>
        <div className="flex flex-col gap-1">
          <span className="text-xs">&nbsp;</span>
          <Button type="submit" disabled={pending}>
            {pending ? 'Adding…' : 'Add quota'}
          </Button>
        </div>
      </div>
      <FormError state={state} />
      {state?.ok && (
        <p role="status" className="text-xs text-emerald-700">
          Quota added.
        </p>
      )}
    </form>
  );
}

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
