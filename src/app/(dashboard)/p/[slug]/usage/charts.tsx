import { BarChart } from '@/components/ui/bar-chart';
import { formatAmount } from './format';

export const palette = [
  '#10b981',
  '#6366f1',
  '#f59e0b',
  '#ef4444',
  '#06b6d4',
  '#a855f7',
  '#84cc16',
  '#64748b',
  '#a1a1aa',
];

export type DailyByModel = { day: string; byModel: Record<string, number> }[];

/** Usage per UTC day, stacked by model (largest model at the bottom). */
export function DailyByModelChart({
  metric,
  models,
  data,
}: {
  metric: string;
  models: string[];
  data: DailyByModel;
}) {
  return (
    <BarChart
      id={`daily-chart-${metric}`}
      labels={data.map((d) => d.day.slice(5, 10))}
      series={models.map((m, i) => ({
        name: m,
        color: palette[i % palette.length]!,
        values: data.map((d) => d.byModel[m] ?? 0),
      }))}
      format={(v) => formatAmount(metric, v)}
      labelSuffix=" (UTC)"
      legend
    />
  );
}

/** Totals per UTC hour. */
export function HourlyChart({ metric, data }: { metric: string; data: { bucket: string; total: number }[] }) {
  return (
    <BarChart
      id={`hourly-chart-${metric}`}
      labels={data.map((d) => `${d.bucket.slice(5, 13).replace('T', ' ')}:00`)}
      series={[{ name: metric, color: '#6366f1', values: data.map((d) => d.total) }]}
      format={(v) => formatAmount(metric, v)}
      labelSuffix=" UTC"
    />
  );
}
