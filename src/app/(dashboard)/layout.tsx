import Link from 'next/link';
import { NuqsAdapter } from 'nuqs/adapters/next/app';
import type { ReactNode } from 'react';
import { NavLink } from './_components/nav-link';
import { ProjectSwitcher } from './_components/project-switcher';
import { SignOutButton } from './_components/sign-out-button';
import { dashboardContext, PAGE_ROLES } from './_lib/project';
import { hasRole } from '@/server/access';

const icons = {
  runs: 'M4 6h16M4 12h16M4 18h10',
  usage: 'M4 20V10m6 10V4m6 16v-7m4 7H2',
  datasets:
    'M4 7c0-1.7 3.6-3 8-3s8 1.3 8 3-3.6 3-8 3-8-1.3-8-3Zm0 0v10c0 1.7 3.6 3 8 3s8-1.3 8-3V7M4 12c0 1.7 3.6 3 8 3s8-1.3 8-3',
  retention: 'M12 7v5l3 2m6-2a9 9 0 1 1-18 0 9 9 0 0 1 18 0Z',
  keys: 'M15 7a4 4 0 1 1-3.9 4.9L4 19v2h3v-2h2v-2h2l1.1-1.1A4 4 0 0 1 15 7Z',
  members: 'M16 19v-1a4 4 0 0 0-8 0v1M12 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6Z',
  audit: 'M6 4h12v16H6zM9 8h6M9 12h6M9 16h4',
};

function Icon({ d }: { d: string }) {
  return (
    <svg
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.8"
      className="size-4 shrink-0"
      aria-hidden
    >
      <path d={d} strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const { projects, project, user } = await dashboardContext();
  return (
    <NuqsAdapter>
      <div className="flex min-h-screen">
        <div className="w-56 shrink-0 bg-zinc-900">
          <aside className="sticky top-0 flex h-screen flex-col gap-6 px-3 py-4">
            <Link href="/runs" className="px-1 text-base font-semibold tracking-tight text-white">
              run<span className="text-emerald-400">ledger</span>
            </Link>
            <ProjectSwitcher
              projects={projects.map((p) => ({ slug: p.slug, name: p.name }))}
              current={project?.slug}
            />
            <nav className="flex flex-col gap-0.5" aria-label="Main">
              <NavLink href="/runs">
                <Icon d={icons.runs} /> Runs
              </NavLink>
              <NavLink href="/usage">
                <Icon d={icons.usage} /> Usage
              </NavLink>
              <NavLink href="/datasets">
                <Icon d={icons.datasets} /> Datasets
              </NavLink>
              <NavLink href="/settings/keys">
                <Icon d={icons.keys} /> API keys
              </NavLink>
              {project && hasRole(project.role, PAGE_ROLES.retention) && (
                <NavLink href="/settings/retention">
                  <Icon d={icons.retention} /> Retention
                </NavLink>
              )}
              <NavLink href="/settings/prices">
                <Icon d={icons.usage} /> Model prices
              </NavLink>
              {project && hasRole(project.role, PAGE_ROLES.audit) && (
                <NavLink href="/settings/audit">
                  <Icon d={icons.audit} /> Audit log
                </NavLink>
              )}
              {project && hasRole(project.role, PAGE_ROLES.members) && (
                <NavLink href="/settings/members">
                  <Icon d={icons.members} /> Members
                </NavLink>
              )}
              {user.actor.isAdmin && (
                <NavLink href="/settings/projects">
                  <Icon d={icons.datasets} /> Projects
                </NavLink>
              )}
            </nav>
            <div className="mt-auto border-t border-zinc-800 pt-3">
              <Link
                href="/settings/account"
                className="block truncate px-2.5 py-1 text-xs text-zinc-400 hover:text-zinc-100"
                data-testid="account-link"
              >
                {user.actor.email}
                {project && <span className="text-zinc-500"> · {project.role}</span>}
              </Link>
              <SignOutButton />
            </div>
          </aside>
        </div>
        <main className="min-w-0 flex-1 px-6 py-6 lg:px-8">{children}</main>
      </div>
    </NuqsAdapter>
  );
}
