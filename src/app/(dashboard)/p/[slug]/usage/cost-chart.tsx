import { ChartView } from './chart-view';

export type CostRows = { keys: string[]; rows: { day: string; byKey: Record<string, number> }[] };

/** Cost per UTC day stacked by a key (model or user). */
export function CostPerDayChart({ id, keys, rows }: { id: string } & CostRows) {
  return (
    <ChartView
      id={id}
      labels={rows.map((r) => r.day.slice(5))}
      series={keys.map((k) => ({ name: k, values: rows.map((r) => r.byKey[k] ?? 0) }))}
      unit="usd"
      labelSuffix=" (UTC)"
      legend
    />
  );
}
