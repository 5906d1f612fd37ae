'use client';
import Link from 'next/link';
import { useParams } from 'next/navigation';
import type { ProjectRole } from '@/lib/enums';
import { hasRole, PAGE_ROLES, projectPath } from '@/lib/project-path';
import { NavLink } from './nav-link';
import { ProjectSwitcher } from './project-switcher';
import { SignOutButton } from './sign-out-button';

export type NavProject = { slug: string; name: string; role: ProjectRole };

const icons = {
  runs: 'M4 6h16M4 12h16M4 18h10',
  usage: 'M4 20V10m6 10V4m6 16v-7m4 7H2',
  datasets:
    'M4 7c0-1.7 3.6-3 8-3s8 1.3 8 3-3.6 3-8 3-8-1.3-8-3Zm0 0v10c0 1.7 3.6 3 8 3s8-1.3 8-3V7M4 12c0 1.7 3.6 3 8 3s8-1.3 8-3',
  retention: 'M12 7v5l3 2m6-2a9 9 0 1 1-18 0 9 9 0 0 1 18 0Z',
  keys: 'M15 7a4 4 0 1 1-3.9 4.9L4 19v2h3v-2h2v-2h2l1.1-1.1A4 4 0 0 1 15 7Z',
  members: 'M16 19v-1a4 4 0 0 0-8 0v1M12 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6Z',
  audit: 'M6 4h12v16H6zM9 8h6M9 12h6M9 16h4',
  evaluators: 'M9 12l2 2 4-4M5 4h14v16H5z',
  monitors: 'M3 12h4l3-7 4 14 3-7h4',
  alerts: 'M6 16V11a6 6 0 1 1 12 0v5l2 2H4l2-2Zm4 4h4',
  scores: 'm12 3 2.6 5.6 6.1.7-4.5 4.2 1.2 6L12 16.5 6.6 19.5l1.2-6L3.3 9.3l6.1-.7Z',
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

/**
 * The sidebar's project part: the switcher and the links of the project in the address (`/p/<slug>/…`;
 * outside a project, the one last viewed). Which links show follows PAGE_ROLES; the pages check it again.
 */
export function ProjectNav({
  projects,
  lastSlug,
  isAdmin,
  email,
}: {
  projects: NavProject[];
  lastSlug: string | null;
  isAdmin: boolean;
  email: string;
}) {
  const { slug } = useParams<{ slug?: string }>();
  const project =
    projects.find((p) => p.slug === slug) ?? projects.find((p) => p.slug === lastSlug) ?? projects[0];
  const may = (page: keyof typeof PAGE_ROLES) => project && hasRole(project.role, PAGE_ROLES[page]);
  const to = (...segments: string[]) => (project ? projectPath(project.slug, ...segments) : '/');
  return (
    <>
      <Link href={to('runs')} className="px-1 text-base font-semibold tracking-tight text-white">
        run<span className="text-emerald-400">ledger</span>
      </Link>
      <ProjectSwitcher projects={projects} current={project?.slug} />
      <nav className="flex flex-col gap-0.5" aria-label="Main">
        {project && (
          <>
            <NavLink href={to('runs')} also={to('threads')}>
              <Icon d={icons.runs} /> Runs
            </NavLink>
            <NavLink href={to('usage')}>
              <Icon d={icons.usage} /> Usage
            </NavLink>
            <NavLink href={to('datasets')}>
              <Icon d={icons.datasets} /> Datasets
            </NavLink>
            <NavLink href={to('scores')}>
              <Icon d={icons.scores} /> Scores
            </NavLink>
            <NavLink href={to('evaluators')}>
              <Icon d={icons.evaluators} /> Evaluators
            </NavLink>
            <NavLink href={to('review')}>
              <Icon d={icons.scores} /> Review
            </NavLink>
            <NavLink href={to('monitors')}>
              <Icon d={icons.monitors} /> Monitors
            </NavLink>
            <NavLink href={to('settings', 'destinations')}>
              <Icon d={icons.alerts} /> Alert destinations
            </NavLink>
            <NavLink href={to('settings', 'keys')}>
              <Icon d={icons.keys} /> API keys
            </NavLink>
            {may('retention') && (
              <NavLink href={to('settings', 'retention')}>
                <Icon d={icons.retention} /> Retention
              </NavLink>
            )}
            <NavLink href={to('settings', 'prices')}>
              <Icon d={icons.usage} /> Model prices
            </NavLink>
            <NavLink href={to('settings', 'scores')}>
              <Icon d={icons.scores} /> Score configs
            </NavLink>
            {may('audit') && (
              <NavLink href={to('settings', 'audit')}>
                <Icon d={icons.audit} /> Audit log
              </NavLink>
            )}
            {may('members') && (
              <NavLink href={to('settings', 'members')}>
                <Icon d={icons.members} /> Members
              </NavLink>
            )}
          </>
        )}
        {isAdmin && (
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
          {email}
          {project && <span className="text-zinc-500"> · {project.role}</span>}
        </Link>
        <SignOutButton />
      </div>
    </>
  );
}
