'use client';
import { useActionState } from 'react';
import { FormField, FormSubmit, formFields } from '@/components/ui/form-field';
import type { RetentionDto } from '@/lib/contract';
import { saveRetention } from './actions';

export function RetentionForm({ retention }: { retention: RetentionDto }) {
  const [state, action, pending] = useActionState(saveRetention, null);
  const form = formFields(state);
  return (
    <form action={action} className="flex flex-col gap-4 p-4" data-testid="retention-form">
      <div className="flex flex-wrap items-start gap-4">
        <FormField
          form={form}
          name="runDays"
          label="Keep runs (days; empty: forever)"
          id="retention-runs"
          inputMode="numeric"
          placeholder="forever"
          defaultValue={retention.runDays ?? ''}
          className="w-48"
        />
        <FormField
          form={form}
          name="usageDays"
          label="Keep the usage ledger (days)"
          id="retention-usage"
          inputMode="numeric"
          defaultValue={retention.usageDays}
          className="w-48"
        />
      </div>
      <FormSubmit
        pending={pending}
        label="Save"
        error={state?.fieldErrors ? undefined : state?.error}
        done={state?.ok && 'Saved. The next retention pass applies it.'}
      />
    </form>
  );
}
