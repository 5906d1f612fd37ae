import { Card, CardHeader, EmptyState } from '@/components/ui/card';
import { dashboardRead } from '@/app/_lib/read-db';
import { usageByModelPerDay } from '@/server/usage';
import { ChartLinks } from './chart-links';
import { DailyByModelChart } from './charts';
import { formatAmount } from './format';

/**
 * Usage per day over the last 30 days, stacked by model: the chosen metric's chart only (the others
 * are links), so the page reads and sends one chart.
 */
export async function DailyCharts({
  projectId,
  metrics,
  metric,
  href,
}: {
  projectId: string;
  metrics: string[];
  /** The metric drawn. */
  metric: string;
  /** The page's address with another metric chosen. */
  href: (metric: string) => string;
}) {
  if (metrics.length === 0) {
    return (
      <Card>
        <CardHeader title="Usage per day" />
        <EmptyState title="No usage in the last 30 days">
          Usage appears here once runs report tokens or clients call <code>POST /api/v1/usage</code>.
        </EmptyState>
      </Card>
    );
  }
  const { models, data } = await dashboardRead((db) =>
    usageByModelPerDay(db, projectId, { metric, days: 30 }),
  );
  const options = [...new Set([...metrics.slice(0, 6), metric])].map((m) => ({ value: m, name: m }));
  const total = data.reduce((n, d) => n + d.total, 0);
  return (
    <Card>
      <CardHeader title="Usage per day">
        <p className="text-xs text-zinc-500">Last 30 days (UTC), by model</p>
      </CardHeader>
      <div className="p-3">
        <ChartLinks label="Metric" options={options} current={metric} href={href} />
        {models.length === 0 ? (
          <EmptyState title={`No ${metric} in the last 30 days`} />
        ) : (
          <>
            <p className="mb-1 text-xs text-zinc-500">
              {metric}: total {formatAmount(metric, total)}
            </p>
            <DailyByModelChart metric={metric} models={models} data={data} />
          </>
        )}
      </div>
    </Card>
  );
}
