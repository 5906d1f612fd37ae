/**
 * Dashboard URLs, built here only. Every project page lives under `/p/<slug>/…`: the slug in the
 * address is the project (access is checked on the server for each request). The `rl_project`
 * cookie only remembers the project last viewed, for the old unscoped paths and `/`.
 * Framework-free: the proxy, the pages and the client components import it (the SDK's generated
 * contract takes its run page path from `projectPath`).
 */
import { type ProjectRole, projectRoles } from './enums';

export const PROJECT_COOKIE = 'rl_project';
/** A year; a hint only. */
export const PROJECT_COOKIE_OPTIONS = {
  httpOnly: true,
  sameSite: 'lax',
  path: '/',
  maxAge: 365 * 86_400,
} as const;

/**
 * The request header that carries the slug of the page's address to server actions and route handlers
 * (set by src/proxy.ts from the URL; a header sent by the client is dropped there).
 */
export const PROJECT_HEADER = 'x-rl-project';
/** The page's path, set by src/proxy.ts the same way: the dashboard layout checks the page's role. */
export const PATH_HEADER = 'x-rl-path';

/** `/p/<slug>` followed by the given path segments, each one encoded: `projectPath(s, 'runs', id)`. */
export function projectPath(slug: string, ...segments: string[]): string {
  return ['', 'p', slug, ...segments].map((s) => encodeURIComponent(s)).join('/');
}

/**
 * The route of a project page in every project (`/p/[slug]/usage`), for `revalidatePath(route, 'page')`:
 * a change made in one project refreshes that page wherever it is cached.
 */
export function projectRoute(...segments: string[]): string {
  return ['/p/[slug]', ...segments].join('/');
}

const SCOPED = /^\/p\/([^/]+)(\/.*)?$/;

/** The slug of a `/p/<slug>/…` path (decoded), or null for any other path. */
export function projectSlugOf(pathname: string): string | null {
  const m = SCOPED.exec(pathname);
  if (!m) return null;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return null;
  }
}

/** The old unscoped dashboard paths (`/runs/<id>`, `/usage`, `/settings/keys`…): they redirect. */
export const LEGACY_PATH = /^\/(?:runs|usage|datasets|threads|settings)(?:\/|$)/;

/** A legacy `/runs/<id>` (not `/runs/compare` or `/runs/export`): the run id, else null. */
export function legacyRunId(pathname: string): string | null {
  const m = /^\/runs\/([^/]+)\/?$/.exec(pathname);
  return m && m[1] !== 'compare' && m[1] !== 'export' ? decodeURIComponent(m[1]!) : null;
}

/** The run id of a run page's path (`/p/<slug>/runs/<id>`, not `/runs/compare`), else null; unchecked. */
export function runIdOfPath(pathname: string): string | null {
  const m = /^\/p\/[^/]+\/runs\/([^/]+)\/?$/.exec(pathname);
  if (!m || m[1] === 'compare') return null;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return '';
  }
}

/** Whether `actual` is `min` or stronger (the roles are declared weakest first). */
export const hasRole = (actual: ProjectRole, min: ProjectRole) =>
  projectRoles.indexOf(actual) >= projectRoles.indexOf(min);

/** The least role each dashboard page needs; the page data functions check it on the server. */
export const PAGE_ROLES = {
  runs: 'viewer',
  run: 'viewer',
  threads: 'viewer',
  datasets: 'viewer',
  usage: 'viewer',
  keys: 'viewer',
  compare: 'viewer',
  prices: 'viewer',
  scores: 'viewer',
  evaluators: 'viewer',
  review: 'viewer',
  destinations: 'viewer',
  monitors: 'viewer',
  audit: 'editor',
  members: 'owner',
  retention: 'owner',
} as const satisfies Record<string, ProjectRole>;
export type DashboardPage = keyof typeof PAGE_ROLES;

/**
 * Where the project switcher goes: the same page in the other project (without its query, which may
 * name ids of the old one); a page about one run, thread or comparison goes to the runs list, and a page
 * the role there does not open goes to the runs list too.
 */
export function switchedPath(pathname: string, toSlug: string, role: ProjectRole): string {
  const rest = SCOPED.exec(pathname)?.[2]?.split('/').filter(Boolean) ?? [];
  const [section, sub] = rest;
  if (
    section === 'usage' ||
    section === 'datasets' ||
    section === 'evaluators' ||
    section === 'review' ||
    section === 'monitors'
  )
    return projectPath(toSlug, section);
  if (section === 'settings') {
    if (!sub) return projectPath(toSlug, 'settings');
    const page = sub as DashboardPage;
    if (page in PAGE_ROLES && hasRole(role, PAGE_ROLES[page])) return projectPath(toSlug, 'settings', sub);
  }
  return projectPath(toSlug, 'runs');
}

/** The dashboard page a `/p/<slug>/…` path shows (`settings/audit` → `audit`), or null when it has no role of its own. */
export function pageOfPath(pathname: string): DashboardPage | null {
  const rest = SCOPED.exec(pathname)?.[2]?.split('/').filter(Boolean) ?? [];
  const name = rest[0] === 'settings' ? rest[1] : rest[0];
  return name && Object.hasOwn(PAGE_ROLES, name) ? (name as DashboardPage) : null;
}
