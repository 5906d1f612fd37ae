import { Card, CardHeader, EmptyState } from '@/components/ui/card';
import { dashboardRead } from '@/app/_lib/read-db';
import { usageByModelPerDay } from '@/server/usage';
import { DailySwitch } from './charts';

/** Usage per day over the last 30 days, stacked by model: one chart, a switcher between the metrics. */
export async function DailyCharts({
  projectId,
  metrics,
  initial,
}: {
  projectId: string;
  metrics: string[];
  /** The metric shown first (the page's chosen one). */
  initial?: string;
}) {
  const series = await dashboardRead((db) =>
    Promise.all(
      metrics.slice(0, 6).map(async (metric) => ({
        metric,
        ...(await usageByModelPerDay(db, projectId, { metric, days: 30 })),
      })),
    ),
  );
  const withData = series.filter((s) => s.models.length > 0);
  if (withData.length === 0) {
    return (
      <Card>
        <CardHeader title="Usage per day" />
        <EmptyState title="No usage in the last 30 days">
          Usage appears here once runs report tokens or clients call <code>POST /api/v1/usage</code>.
        </EmptyState>
      </Card>
    );
  }
  return (
    <Card>
      <CardHeader title="Usage per day">
        <p className="text-xs text-zinc-500">Last 30 days (UTC), by model</p>
      </CardHeader>
      <div className="p-3">
        <DailySwitch
          initial={initial}
          series={withData.map((s) => ({ ...s, total: s.data.reduce((n, d) => n + d.total, 0) }))}
        />
      </div>
    </Card>
  );
}
