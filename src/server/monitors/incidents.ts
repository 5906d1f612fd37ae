import 'server-only';
import { and, desc, eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { monitorIncidents, monitors, projects } from '@/db/schema';
import type { IncidentDto } from '@/lib/contract';
import { incidentPath } from './links';

export type IncidentRow = IncidentDto & { path: string };

/** A project's incidents (or one monitor's), latest first, each with the dashboard path of its runs. */
export async function listIncidents(
  db: DbOrTx,
  projectId: string,
  opts: { monitorId?: string; limit: number },
): Promise<IncidentRow[]> {
  const rows = await db
    .select({ i: monitorIncidents, m: monitors, slug: projects.slug })
    .from(monitorIncidents)
    .innerJoin(
      monitors,
      and(eq(monitors.projectId, monitorIncidents.projectId), eq(monitors.id, monitorIncidents.monitorId)),
    )
    .innerJoin(projects, eq(projects.id, monitorIncidents.projectId))
    .where(
      and(
        eq(monitorIncidents.projectId, projectId),
        opts.monitorId ? eq(monitorIncidents.monitorId, opts.monitorId) : undefined,
      ),
    )
    .orderBy(desc(monitorIncidents.createdAt), desc(monitorIncidents.id))
    .limit(opts.limit);
  return rows.map(({ i, m, slug }) => {
    const path = incidentPath(slug, m, i);
    return {
      id: i.id,
      monitorId: i.monitorId,
      monitorName: m.name,
      subject: m.perSubject ? i.subject : null,
      kind: i.kind,
      value: i.value,
      threshold: i.threshold,
      windowStart: i.windowStart.toISOString(),
      windowEnd: i.windowEnd.toISOString(),
      link: path,
      createdAt: i.createdAt.toISOString(),
      path,
    };
  });
}
