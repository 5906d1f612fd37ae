'use client';
import { usePathname, useRouter } from 'next/navigation';
import { useTransition } from 'react';
import { switchedPath } from '@/lib/project-path';
import type { NavProject } from './project-nav';

/** Navigates to the same page in the chosen project (see switchedPath); that page checks access. */
export function ProjectSwitcher({ projects, current }: { projects: NavProject[]; current?: string }) {
  const router = useRouter();
  const pathname = usePathname();
  const [pending, startTransition] = useTransition();
  return (
    <div className="flex flex-col gap-1">
      <label
        htmlFor="project-switcher"
        className="px-1 text-[11px] font-medium uppercase tracking-wide text-zinc-400"
      >
        Project
      </label>
      <select
        id="project-switcher"
        name="slug"
        // Keyed by the current project: the select shows it again after a navigation (back button too).
        key={current}
        defaultValue={current}
        disabled={pending || projects.length === 0}
        onChange={(e) => {
          const to = projects.find((p) => p.slug === e.target.value);
          if (to) startTransition(() => router.push(switchedPath(pathname, to.slug, to.role)));
        }}
        className="h-8 w-full rounded-md border border-zinc-700 bg-zinc-800 px-2 text-sm text-zinc-100 focus:outline-none focus:ring-2 focus:ring-zinc-500"
      >
        {projects.map((p) => (
          <option key={p.slug} value={p.slug}>
            {p.name}
          </option>
        ))}
      </select>
    </div>
  );
}
