'use client';
import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import { Field, Input } from '@/components/ui/input';
import { removePrice, savePrice, seedPrices } from './actions';

const today = () => new Date().toISOString().slice(0, 10);

/** Adds a price (or replaces the one of the same model and day); optionally recomputes since that day. */
export function PriceForm() {
  const [state, action, pending] = useActionState(savePrice, null);
  const v = state?.ok ? undefined : state?.values;
  const errors = state?.fieldErrors;
  return (
    <form action={action} className="flex flex-col gap-3" aria-label="Add a price">
      <div className="flex flex-wrap items-start gap-3">
        <Field label="Model" htmlFor="price-model" errors={errors?.model}>
          <Input
            id="price-model"
            name="model"
            defaultValue={v?.model}
            placeholder="gpt-4o"
            className="w-44"
          />
        </Field>
        <Field label="Input $/1M" htmlFor="price-in" errors={errors?.inputPerMillion}>
          <Input
            id="price-in"
            name="inputPerMillion"
            defaultValue={v?.inputPerMillion}
            inputMode="decimal"
            className="w-24"
          />
        </Field>
        <Field label="Output $/1M" htmlFor="price-out" errors={errors?.outputPerMillion}>
          <Input
            id="price-out"
            name="outputPerMillion"
            defaultValue={v?.outputPerMillion}
            inputMode="decimal"
            className="w-24"
          />
        </Field>
        <Field label="Cached input $/1M" htmlFor="price-cached" errors={errors?.cachedInputPerMillion}>
          <Input
            id="price-cached"
            name="cachedInputPerMillion"
            defaultValue={v?.cachedInputPerMillion}
            placeholder="= input"
            inputMode="decimal"
            className="w-28"
          />
        </Field>
        <Field label="Effective from (UTC)" htmlFor="price-from" errors={errors?.effectiveFrom}>
          <Input
            id="price-from"
            name="effectiveFrom"
            type="date"
            defaultValue={v?.effectiveFrom ?? today()}
            className="w-40"
          />
        </Field>
      </div>
      <label className="flex items-center gap-2 text-sm text-zinc-700">
        <input type="checkbox" name="recompute" /> Recompute the cost of priced runs since that day (in the
        background)
      </label>
      <div className="flex items-center gap-3">
        <Button type="submit" disabled={pending}>
          {pending ? 'Saving…' : 'Save price'}
        </Button>
        {state?.error && <p className="text-sm text-red-600">{state.error}</p>}
        {state?.ok && (
          <p role="status" className="text-sm text-emerald-700">
            Saved {state.model}
            {state.jobId ? '; recomputing in the background.' : '.'}
          </p>
        )}
      </div>
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
