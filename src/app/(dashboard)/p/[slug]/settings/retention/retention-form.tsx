'use client';
import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import { Field, Input } from '@/components/ui/input';
import type { RetentionDto } from '@/lib/contract';
import { saveRetention } from './actions';

export function RetentionForm({ retention }: { retention: RetentionDto }) {
  const [state, action, pending] = useActionState(saveRetention, null);
  const errors = state?.fieldErrors;
  const values = state?.ok ? undefined : state?.values;
  return (
    <form action={action} className="flex flex-col gap-4 p-4" data-testid="retention-form">
      <div className="flex flex-wrap items-start gap-4">
        <Field label="Keep runs (days; empty: forever)" htmlFor="retention-runs" errors={errors?.runDays}>
          <Input
            id="retention-runs"
            name="runDays"
            inputMode="numeric"
            placeholder="forever"
            defaultValue={values?.runDays ?? retention.runDays ?? ''}
            className="w-48"
          />
        </Field>
        <Field label="Keep the usage ledger (days)" htmlFor="retention-usage" errors={errors?.usageDays}>
          <Input
            id="retention-usage"
            name="usageDays"
            inputMode="numeric"
            defaultValue={values?.usageDays ?? retention.usageDays}
            className="w-48"
          />
        </Field>
      </div>
      <div className="flex items-center gap-3">
        <Button type="submit" disabled={pending}>
          {pending ? 'Saving…' : 'Save'}
        </Button>
        {state?.ok && (
          <p role="status" className="text-sm text-emerald-700">
            Saved. The next retention pass applies it.
          </p>
        )}
        {state?.error && !state.fieldErrors && <p className="text-sm text-red-600">{state.error}</p>}
      </div>
    </form>
  );
}
