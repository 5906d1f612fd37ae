'use client';
import { useActionState, useRef } from 'react';
import { switchProject } from '../actions';

export function ProjectSwitcher({
  projects,
  current,
}: {
  projects: { slug: string; name: string }[];
  current?: string;
}) {
  const [state, action, pending] = useActionState(switchProject, null);
  const form = useRef<HTMLFormElement>(null);
  return (
    <form ref={form} action={action} className="flex flex-col gap-1">
      <label
        htmlFor="project-switcher"
        className="px-1 text-[11px] font-medium uppercase tracking-wide text-zinc-400"
      >
        Project
      </label>
      <select
        id="project-switcher"
        name="slug"
        defaultValue={current}
        disabled={pending || projects.length === 0}
        onChange={() => form.current?.requestSubmit()}
        className="h-8 w-full rounded-md border border-zinc-700 bg-zinc-800 px-2 text-sm text-zinc-100 focus:outline-none focus:ring-2 focus:ring-zinc-500"
      >
        {projects.map((p) => (
          <option key={p.slug} value={p.slug}>
            {p.name}
          </option>
        ))}
      </select>
      {state?.error && <p className="text-xs text-red-400">{state.error}</p>}
    </form>
  );
}
