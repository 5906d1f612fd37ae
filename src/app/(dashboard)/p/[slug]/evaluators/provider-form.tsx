'use client';
import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import { FormField, FormSubmit, formFields } from '@/components/ui/form-field';
import { removeLlmProvider, saveLlmProvider } from './actions';

/** Adds or changes an OpenAI-compatible provider; the key field is never filled in from the server. */
export function ProviderForm() {
  const [state, action, pending] = useActionState(saveLlmProvider, null);
  const form = formFields(state);
  return (
    <form action={action} className="flex flex-wrap items-start gap-3" aria-label="Add an LLM provider">
      <FormField form={form} name="name" label="Name" id="pv-name" className="w-36" placeholder="openai" />
      <FormField
        form={form}
        name="baseUrl"
        label="Base URL"
        id="pv-url"
        className="w-72"
        placeholder="https://api.openai.com/v1"
      />
      {/* The key is never sent back: an empty field keeps the stored one. */}
      <FormField
        form={{ errors: form.errors }}
        name="apiKey"
        label="API key (empty: keep the stored one)"
        id="pv-key"
        type="password"
        autoComplete="off"
        className="w-64"
      />
      <div className="pt-5">
        <FormSubmit
          pending={pending}
          label="Save provider"
          error={state?.error}
          done={state?.ok && `Saved ${state.name}.`}
        />
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
