import 'server-only';
import type { Monitor } from '@/db/schema';
import { projectPath } from '@/lib/project-path';

type Caused = { subject: string; windowStart: Date; windowEnd: Date };

/**
 * The dashboard page of the runs that made an incident: the history with the monitor's filters, the
 * subject (split monitors) and the window; failed runs only for an error rate. Quota use: /usage.
 */
export function incidentPath(
  slug: string,
  m: Pick<Monitor, 'metric' | 'filters' | 'perSubject'>,
  c: Caused,
): string {
  if (m.metric === 'quota_use') {
    const q = c.subject ? `?${new URLSearchParams({ subject: c.subject })}` : '';
    return `${projectPath(slug, 'usage')}${q}`;
  }
  const p = new URLSearchParams();
  const f = m.filters;
  if (m.metric === 'error_rate') p.set('status', 'failed');
  if (f.kind) p.set('kind', f.kind);
  if (f.model) p.set('model', f.model);
  const user = m.perSubject && c.subject ? c.subject : f.userId;
  if (user) p.set('user', user);
  if (f.tag) p.set('tag', f.tag);
  if (f.q) p.set('q', f.q);
  for (const [k, v] of Object.entries(f.meta ?? {})) p.set(`meta.${k}`, v);
  p.set('from', c.windowStart.toISOString());
  p.set('to', c.windowEnd.toISOString());
  return `${projectPath(slug, 'runs')}?${p}`;
}
