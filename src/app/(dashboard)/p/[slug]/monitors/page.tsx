import type { Metadata } from 'next';
import Link from 'next/link';
import { requireProject } from '@/app/(dashboard)/_lib/project';
import { Card, CardHeader, EmptyState, PageHeader } from '@/components/ui/card';
import { getDb } from '@/db/client';
import { projectPath } from '@/lib/project-path';
import { hasRole } from '@/server/access';
import { listIncidents, listMonitors, metricSeries, toMonitorDto } from '@/server/monitors';
import { listQuotas } from '@/server/usage';
import { draftOf, emptyDraft } from './definition';
import { IncidentsTable } from './incidents-table';
import { MonitorCard } from './monitor-card';
import { MonitorForm } from './monitor-form';

export const metadata: Metadata = { title: 'Monitors · runledger' };

type Props = { params: Promise<{ slug: string }>; searchParams: Promise<{ edit?: string; new?: string }> };

export default async function MonitorsPage({ params, searchParams }: Props) {
  const ctx = await requireProject((await params).slug, 'monitors');
  const projectId = ctx.project.id;
  const db = getDb();
  const canEdit = hasRole(ctx.project.role, 'editor');
  const base = projectPath(ctx.project.slug, 'monitors');
  const { edit } = await searchParams;
  const [monitors, incidents, quotas] = await Promise.all([
    listMonitors(db, projectId).then((rows) => rows.map(toMonitorDto)),
    listIncidents(db, projectId, { limit: 200 }),
    canEdit ? listQuotas(db, projectId) : Promise.resolve([]),
  ]);
  const now = new Date();
  const series = await Promise.all(
    monitors.map((m) => metricSeries(db, { ...m, projectId }, { now, rangeHours: 24, points: 24 })),
  );
  const editing = monitors.find((m) => m.id === edit);
  return (
    <div className="max-w-6xl">
      <PageHeader
        title="Monitors"
        description="A metric of this project's runs, scores or quotas over a rolling window, checked every 30 seconds. Each change of state is an incident, sent to the alert destinations."
      />
      {canEdit && (
        <Card className="mb-5">
          <CardHeader title={editing ? `Edit “${editing.name}”` : 'New monitor'} />
          <div className="p-4">
            <MonitorForm
              key={editing?.id ?? 'new'}
              id={editing?.id}
              initial={editing ? draftOf(editing) : emptyDraft}
              quotas={quotas.map((q) => ({
                id: q.id,
                label: `${q.subject} · ${q.metric} per ${q.window} (${q.limit})`,
              }))}
              doneHref={base}
            />
            {editing && (
              <Link href={base} className="mt-2 inline-block text-sm text-zinc-500 hover:underline">
                Cancel
              </Link>
            )}
          </div>
        </Card>
      )}
      {monitors.length === 0 ? (
        <Card className="mb-5">
          <EmptyState title="No monitors yet">
            {canEdit ? 'Create one above.' : 'An editor or owner can create one.'}
          </EmptyState>
        </Card>
      ) : (
        monitors.map((m, i) => (
          <MonitorCard
            key={m.id}
            monitor={m}
            series={series[i]!}
            incidents={incidents.filter((x) => x.monitorId === m.id).slice(0, 5)}
            editHref={canEdit ? `${base}?edit=${m.id}` : null}
          />
        ))
      )}
      <Card className="mb-5">
        <CardHeader title="Incidents" />
        <IncidentsTable incidents={incidents.slice(0, 50)} />
      </Card>
    </div>
  );
}
