'use client';
import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import { FormField, FormSubmit, formFields } from '@/components/ui/form-field';
import { removePrice, savePrice, seedPrices } from './actions';

const today = () => new Date().toISOString().slice(0, 10);

/** Adds a price (or replaces the one of the same model and day); optionally recomputes since that day. */
export function PriceForm() {
  const [state, action, pending] = useActionState(savePrice, null);
  const form = formFields(state);
  return (
    <form action={action} className="flex flex-col gap-3" aria-label="Add a price">
      <div className="flex flex-wrap items-start gap-3">
        <FormField
          form={form}
          name="model"
          label="Model"
          id="price-model"
          placeholder="gpt-4o"
          className="w-44"
        />
        <FormField
          form={form}
          name="inputPerMillion"
          label="Input $/1M"
          id="price-in"
          inputMode="decimal"
          className="w-24"
        />
        <FormField
          form={form}
          name="outputPerMillion"
          label="Output $/1M"
          id="price-out"
          inputMode="decimal"
          className="w-24"
        />
        <FormField
          form={form}
          name="cachedInputPerMillion"
          label="Cached input $/1M"
          id="price-cached"
          placeholder="= input"
          inputMode="decimal"
          className="w-28"
        />
        <FormField
          form={form}
          name="effectiveFrom"
          label="Effective from (UTC)"
          id="price-from"
          type="date"
          defaultValue={today()}
          className="w-40"
        />
      </div>
      <label className="flex items-center gap-2 text-sm text-zinc-700">
        <input type="checkbox" name="recompute" /> Recompute the cost of priced runs since that day (in the
        background)
      </label>
      <FormSubmit
        pending={pending}
        label="Save price"
        error={state?.error}
        done={state?.ok && `Saved ${state.model}${state.jobId ? '; recomputing in the background.' : '.'}`}
      />
    </form>
  );
}

export function SeedPricesButton() {
  const [state, action, pending] = useActionState(seedPrices, null);
  return (
    <form action={action} className="flex items-center gap-2">
      <Button type="submit" size="sm" variant="secondary" disabled={pending}>
        Add common models
      </Button>
      {state?.ok && <span className="text-xs text-zinc-500">{state.added} added</span>}
    </form>
  );
}

export function RemovePriceButton({ priceId }: { priceId: string }) {
  const [state, action, pending] = useActionState(removePrice, null);
  return (
    <form action={action}>
      <input type="hidden" name="priceId" value={priceId} />
      <Button type="submit" size="sm" variant="ghost" disabled={pending}>
        Delete
      </Button>
      {state?.error && <span className="text-xs text-red-600">{state.error}</span>}
    </form>
  );
}
