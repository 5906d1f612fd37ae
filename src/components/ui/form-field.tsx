import type { ComponentProps, ReactNode } from 'react';
import { Button } from './button';
import { Field, Input } from './input';

/** What a form's fields show from its action's last answer: the values sent back and each field's errors. */
export type FormFields = { values?: Record<string, string>; errors?: Record<string, string[]> };

/** The fields' part of an action's answer: the values come back only with a refusal (a success clears the form). */
export function formFields(
  state: { ok?: boolean; values?: Record<string, string>; fieldErrors?: Record<string, string[]> } | null,
): FormFields {
  return { values: state?.ok ? undefined : state?.values, errors: state?.fieldErrors };
}

/** A labelled text input named `name`, filled with the value sent back after a refusal, its errors below. */
export function FormField({
  form,
  name,
  label,
  id,
  defaultValue,
  ...input
}: { form: FormFields; name: string; label: string; id: string } & Omit<
  ComponentProps<'input'>,
  'name' | 'id' | 'form'
>) {
  return (
    <Field label={label} htmlFor={id} errors={form.errors?.[name]}>
      <Input
        id={id}
        name={name}
        defaultValue={form.values?.[name] ?? defaultValue}
        aria-invalid={form.errors?.[name] ? true : undefined}
        {...input}
      />
    </Field>
  );
}

/** A form's submit button with the answer beside it: the form's error, or `done` after a success. */
export function FormSubmit({
  pending,
  label,
  error,
  done,
  children,
}: {
  pending: boolean;
  label: string;
  error?: string;
  /** Shown (as a status) after a success, else null. */
  done: ReactNode;
  children?: ReactNode;
}) {
  return (
    <div className="flex items-center gap-3">
      <Button type="submit" disabled={pending}>
        {pending ? 'Saving…' : label}
      </Button>
      {error && <p className="text-sm text-red-600">{error}</p>}
      {children}
      {done && (
        <p role="status" className="text-sm text-emerald-700">
          {done}
        </p>
      )}
    </div>
  );
}
