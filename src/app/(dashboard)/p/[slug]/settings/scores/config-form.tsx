'use client';
import { useActionState, useState } from 'react';
import { FormField, FormSubmit, formFields } from '@/components/ui/form-field';
import { Field, Select } from '@/components/ui/input';
import { scoreTypes } from '@/lib/enums';
import { saveScoreConfig } from './actions';

/** Adds a score config, or replaces the one of the same name. */
export function ScoreConfigForm() {
  const [state, action, pending] = useActionState(saveScoreConfig, null);
  const [type, setType] = useState<string>('numeric');
  const form = formFields(state);
  return (
    <form action={action} className="flex flex-col gap-3 p-4" aria-label="Add a score config">
      <div className="flex flex-wrap items-start gap-3">
        <FormField
          form={form}
          name="name"
          label="Name"
          id="sc-name"
          placeholder="helpfulness"
          className="w-44"
        />
        <Field label="Type" htmlFor="sc-type" errors={form.errors?.type}>
          <Select
            id="sc-type"
            name="type"
            value={type}
            onChange={(e) => setType(e.target.value)}
            className="w-36"
          >
            {scoreTypes.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </Select>
        </Field>
        {type === 'numeric' && (
          <>
            <FormField form={form} name="min" label="Min" id="sc-min" inputMode="decimal" className="w-20" />
            <FormField form={form} name="max" label="Max" id="sc-max" inputMode="decimal" className="w-20" />
          </>
        )}
        {type === 'categorical' && (
          <FormField
            form={form}
            name="categories"
            label="Labels (comma-separated)"
            id="sc-cats"
            placeholder="good, ok, bad"
            className="w-60"
          />
        )}
        <FormField form={form} name="description" label="Description" id="sc-desc" className="w-72" />
      </div>
      <FormSubmit
        pending={pending}
        label="Save config"
        error={state?.error}
        done={state?.ok && `Saved ${state.name}.`}
      />
    </form>
  );
}
