'use client';
import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import { Field, Input } from '@/components/ui/input';
import { createProjectAction } from './actions';

export function NewProjectForm() {
  const [state, action, pending] = useActionState(createProjectAction, null);
  const errors = state?.ok ? undefined : state?.fieldErrors;
  return (
    <form action={action} className="flex flex-wrap items-end gap-3" aria-label="New project">
      <Field label="Slug" htmlFor="project-slug" errors={errors?.slug}>
        <Input id="project-slug" name="slug" placeholder="e.g. support-bot" className="w-48" />
      </Field>
      <Field label="Name" htmlFor="project-name" errors={errors?.name}>
        <Input id="project-name" name="name" placeholder="Support bot" className="w-48" />
      </Field>
      <Button type="submit" disabled={pending}>
        Create project
      </Button>
      {state?.error && !errors && <p className="text-sm text-red-600">{state.error}</p>}
    </form>
  );
}
