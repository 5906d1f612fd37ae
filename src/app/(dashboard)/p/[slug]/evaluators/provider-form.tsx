'use client';
import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import { Field, Input } from '@/components/ui/input';
import { removeLlmProvider, saveLlmProvider } from './actions';

/** Adds or changes an OpenAI-compatible provider; the key field is never filled in from the server. */
export function ProviderForm() {
  const [state, action, pending] = useActionState(saveLlmProvider, null);
  const v = state?.ok ? undefined : state?.values;
  const errors = state?.fieldErrors;
  return (
    <form action={action} className="flex flex-wrap items-start gap-3" aria-label="Add an LLM provider">
      <Field label="Name" htmlFor="pv-name" errors={errors?.name}>
        <Input id="pv-name" name="name" defaultValue={v?.name} className="w-36" placeholder="openai" />
      </Field>
      <Field label="Base URL" htmlFor="pv-url" errors={errors?.baseUrl}>
        <Input
          id="pv-url"
          name="baseUrl"
          defaultValue={v?.baseUrl}
          className="w-72"
          placeholder="https://api.openai.com/v1"
        />
      </Field>
      <Field label="API key (empty: keep the stored one)" htmlFor="pv-key" errors={errors?.apiKey}>
        <Input id="pv-key" name="apiKey" type="password" autoComplete="off" className="w-64" />
      </Field>
      <div className="flex items-center gap-3 pt-5">
        <Button type="submit" disabled={pending}>
          {pending ? 'Saving…' : 'Save provider'}
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

export function RemoveProviderButton({ name }: { name: string }) {
  const [state, action, pending] = useActionState(removeLlmProvider, null);
  return (
    <form action={action} className="flex items-center gap-2">
      <input type="hidden" name="name" value={name} />
      <Button type="submit" size="sm" variant="ghost" disabled={pending}>
        Delete
      </Button>
      {state?.error && <span className="text-xs text-red-600">{state.error}</span>}
    </form>
  );
}
