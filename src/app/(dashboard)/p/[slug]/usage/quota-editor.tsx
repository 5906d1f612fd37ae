'use client';
import { useActionState, useEffect, useRef } from 'react';
import { Button } from '@/components/ui/button';
import { Field, Input, Select } from '@/components/ui/input';
import { quotaWindows } from '@/lib/contract/usage';
import { createQuota } from './actions';
import { FormError } from './form-error';
import { windowLabels } from './format';

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
