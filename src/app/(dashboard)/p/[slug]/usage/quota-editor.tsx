'use client';
import { useActionState, useEffect, useRef } from 'react';
import { Button } from '@/components/ui/button';
import { FormField, formFields } from '@/components/ui/form-field';
import { Field, Select } from '@/components/ui/input';
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
  const fields = formFields(state);
  const { values, errors } = fields;
  return (
    <form ref={form} action={action} className="flex flex-col gap-2" aria-label="New quota" noValidate>
      <div className="flex flex-wrap items-start gap-3">
        <FormField
          form={fields}
          name="subject"
          label="Subject"
          id="quota-subject"
          placeholder="* or a user id"
          defaultValue="*"
          className="w-40"
        />
        <FormField
          form={fields}
          name="metric"
          label="Metric"
          id="quota-metric"
          placeholder="tokens"
          className="w-40"
        />
        <Field label="Window" htmlFor="quota-window" errors={errors?.window}>
          <Select id="quota-window" name="window" defaultValue={values?.window ?? 'day'}>
            {quotaWindows.map((w) => (
              <option key={w} value={w}>
                {windowLabels[w]}
              </option>
            ))}
          </Select>
        </Field>
        <FormField
          form={fields}
          name="limit"
          label="Limit"
          id="quota-limit"
          inputMode="numeric"
          placeholder="e.g. 50000"
          className="w-36"
        />
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
