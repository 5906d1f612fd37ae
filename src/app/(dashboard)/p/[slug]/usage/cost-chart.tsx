import { BarChart } from '@/components/ui/bar-chart';
import { palette } from './charts';

const usd = (v: number) => (v >= 100 ? `$${v.toFixed(0)}` : v >= 1 ? `$${v.toFixed(2)}` : `$${v.toFixed(4)}`);

export type CostRows = { keys: string[]; rows: { day: string; byKey: Record<string, number> }[] };

/** Cost per UTC day stacked by a key (model or user). */
export function CostPerDayChart({ id, keys, rows }: { id: string } & CostRows) {
  return (
    <BarChart
      id={id}
      labels={rows.map((r) => r.day.slice(5))}
      series={keys.map((k, i) => ({
        name: k,
        color: palette[i % palette.length]!,
        values: rows.map((r) => r.byKey[k] ?? 0),
      }))}
      format={usd}
      labelSuffix=" (UTC)"
      legend
    />
  );
}
