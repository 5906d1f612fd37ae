import { Card, CardHeader, EmptyState } from '@/components/ui/card';
import { getDb } from '@/db/client';
import { usageByModelPerDay } from '@/server/usage';
import { DailyByModelChart } from './charts';
import { formatAmount } from './format';

/** Usage per day over the last 30 days, one chart per metric, stacked by model. */
export async function DailyCharts({ projectId, metrics }: { projectId: string; metrics: string[] }) {
  const db = getDb();
  const series = await Promise.all(
    metrics.slice(0, 6).map(async (metric) => ({
      metric,
      ...(await usageByModelPerDay(db, projectId, { metric, days: 30 })),
    })),
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
    <div className="grid grid-cols-1 gap-5 xl:grid-cols-2">
      {withData.map((s) => (
        <Card key={s.metric}>
          <CardHeader title={`${s.metric} per day`}>
            <p className="text-xs text-zinc-500">
              Last 30 days (UTC), by model · total{' '}
              {formatAmount(
                s.metric,
                s.data.reduce((n, d) => n + d.total, 0),
              )}
            </p>
          </CardHeader>
          <div className="p-3">
            <DailyByModelChart metric={s.metric} models={s.models} data={s.data} />
          </div>
        </Card>
      ))}
    </div>
  );
}
