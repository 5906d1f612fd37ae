'use client';
import { useActionState, useState } from 'react';
import { Button } from '@/components/ui/button';
import { Field, Input, Select } from '@/components/ui/input';
import { scoreTypes } from '@/lib/enums';
import { saveScoreConfig } from './actions';

/** Adds a score config, or replaces the one of the same name. */
export function ScoreConfigForm() {
  const [state, action, pending] = useActionState(saveScoreConfig, null);
  const [type, setType] = useState<string>('numeric');
  const v = state?.ok ? undefined : state?.values;
  const errors = state?.fieldErrors;
  return (
    <form action={action} className="flex flex-col gap-3 p-4" aria-label="Add a score config">
      <div className="flex flex-wrap items-start gap-3">
        <Field label="Name" htmlFor="sc-name" errors={errors?.name}>
          <Input id="sc-name" name="name" defaultValue={v?.name} placeholder="helpfulness" className="w-44" />
        </Field>
        <Field label="Type" htmlFor="sc-type" errors={errors?.type}>
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
            <Field label="Min" htmlFor="sc-min" errors={errors?.min}>
              <Input id="sc-min" name="min" defaultValue={v?.min} inputMode="decimal" className="w-20" />
            </Field>
            <Field label="Max" htmlFor="sc-max" errors={errors?.max}>
              <Input id="sc-max" name="max" defaultValue={v?.max} inputMode="decimal" className="w-20" />
            </Field>
          </>
        )}
        {type === 'categorical' && (
          <Field label="Labels (comma-separated)" htmlFor="sc-cats" errors={errors?.categories}>
            <Input
              id="sc-cats"
              name="categories"
              defaultValue={v?.categories}
              placeholder="good, ok, bad"
              className="w-60"
            />
          </Field>
        )}
        <Field label="Description" htmlFor="sc-desc" errors={errors?.description}>
          <Input id="sc-desc" name="description" defaultValue={v?.description} className="w-72" />
        </Field>
      </div>
      <div className="flex items-center gap-3">
        <Button type="submit" disabled={pending}>
          {pending ? 'Saving…' : 'Save config'}
        </Button>
        {state?.error && <p className="text-sm text-red-600">{state.error}</p>}
        {state?.ok && (
          <p role="status" className="text-sm text-emerald-700">
            Saved {state.name}.
          </p>
        )}
      </div>
    </form>
  );
}
