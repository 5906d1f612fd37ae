'use client';
import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import { Field, Input } from '@/components/ui/input';
import { saveScoreSettings } from './actions';

/** Whether every score needs a config, and the score columns of the run history. */
export function ScoreSettingsForm({
  requireConfig,
  historyColumns,
  disabled,
}: {
  requireConfig: boolean;
  historyColumns: string[];
  disabled: boolean;
}) {
  const [state, action, pending] = useActionState(saveScoreSettings, null);
  return (
    <form action={action} className="flex flex-col gap-3 p-4" aria-label="Score settings">
      <label className="flex items-center gap-2 text-sm text-zinc-700">
        <input type="checkbox" name="requireConfig" defaultChecked={requireConfig} disabled={disabled} />{' '}
        Refuse scores whose name has no config
      </label>
      <Field
        label="Score columns in the run history (comma-separated names)"
        htmlFor="ss-cols"
        errors={state?.fieldErrors?.historyColumns}
      >
        <Input
          id="ss-cols"
          name="historyColumns"
          defaultValue={historyColumns.join(', ')}
          disabled={disabled}
          placeholder="helpfulness, correct"
          className="w-96"
        />
      </Field>
      <div className="flex items-center gap-3">
        <Button type="submit" disabled={pending || disabled}>
          Save settings
        </Button>
        {state?.error && <p className="text-sm text-red-600">{state.error}</p>}
        {state?.ok && (
          <p role="status" className="text-sm text-emerald-700">
            Saved.
          </p>
        )}
      </div>
    </form>
  );
}
