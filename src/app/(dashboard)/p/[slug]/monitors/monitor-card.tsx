import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { buttonClass } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import type { MonitorDto } from '@/lib/contract';
import { formatTime } from '@/lib/format';
import type { IncidentRow } from '@/server/monitors';
import { DeleteMonitorButton } from './delete-monitor';
import { describeMonitor, formatValue } from './describe';
import { IncidentsTable } from './incidents-table';
import { Sparkline } from './sparkline';

type Props = {
  monitor: MonitorDto;
  series: { at: string; value: number | null }[];
  incidents: IncidentRow[];
  editHref: string | null;
};

/** A monitor: its state, its metric's last 24 h against the threshold, its latest incidents. */
export function MonitorCard({ monitor: m, series, incidents, editHref }: Props) {
  return (
    <Card className="mb-4 p-4" data-testid="monitor-card">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <h2 className="flex flex-wrap items-center gap-2 font-medium text-zinc-900">
            {m.name}
            <span data-testid="monitor-state">
              <Badge tone={m.state === 'firing' ? 'red' : 'green'}>{m.state}</Badge>
            </span>
            {!m.enabled && <Badge>paused</Badge>}
          </h2>
          <p className="text-sm text-zinc-600">{describeMonitor(m)}</p>
          {m.firing.length > 0 && (
            <p className="text-sm text-red-700">
              Firing: {m.firing.map((f) => `${f.subject ?? 'all'} (${formatValue(f.value)})`).join(', ')}
            </p>
          )}
          <p className="text-xs text-zinc-400">
            Last evaluated {m.lastEvaluatedAt ? formatTime(m.lastEvaluatedAt) : 'not yet'}
          </p>
        </div>
        <div className="w-full sm:w-60">
          <Sparkline
            points={series}
            threshold={m.threshold}
            comparator={m.comparator}
            label={`${m.name}: the last 24 hours against ${m.threshold}`}
          />
        </div>
        {editHref && (
          <div className="flex gap-2">
            <Link href={editHref} className={buttonClass({ variant: 'secondary', size: 'sm' })}>
              Edit
            </Link>
            <DeleteMonitorButton id={m.id} name={m.name} />
          </div>
        )}
      </div>
      {incidents.length > 0 && (
        <div className="mt-3">
          <IncidentsTable incidents={incidents} showMonitor={false} />
        </div>
      )}
    </Card>
  );
}
