import { ChartView } from './chart-view';

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
    <ChartView
      id={`daily-chart-${metric}`}
      labels={data.map((d) => d.day.slice(5, 10))}
      series={models.map((m) => ({ name: m, values: data.map((d) => d.byModel[m] ?? 0) }))}
      unit={metric}
      labelSuffix=" (UTC)"
      legend
    />
  );
}

/** Totals per UTC hour. */
export function HourlyChart({ metric, data }: { metric: string; data: { bucket: string; total: number }[] }) {
  return (
    <ChartView
      id={`hourly-chart-${metric}`}
      labels={data.map((d) => `${d.bucket.slice(5, 13).replace('T', ' ')}:00`)}
      series={[{ name: metric, values: data.map((d) => d.total) }]}
      unit={metric}
      labelSuffix=" UTC"
      legend={false}
    />
  );
}
