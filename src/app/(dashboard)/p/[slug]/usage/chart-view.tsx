'use client';
import { BarChart } from '@/components/ui/bar-chart';
import { formatAmount } from './format';

const palette = [
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

const usd = (v: number) => (v >= 100 ? `$${v.toFixed(0)}` : v >= 1 ? `$${v.toFixed(2)}` : `$${v.toFixed(4)}`);

/**
 * A usage chart from its numbers: the page data carries the labels and one array of values per
 * series, and the chart's SVG (drawn on the server for the first paint) is built from them here, so
 * the drawn chart is in the HTML once instead of again as an element tree in the page data.
 */
export function ChartView({
  id,
  labels,
  series,
  unit,
  labelSuffix,
  legend,
}: {
  /** The chart's test id. */
  id: string;
  labels: string[];
  /** Stacked bottom to top; coloured in this order. */
  series: { name: string; values: number[] }[];
  /** `usd`: dollars; otherwise the metric whose amounts these are (formatAmount). */
  unit: string;
  labelSuffix?: string;
  legend?: boolean;
}) {
  return (
    <BarChart
      id={id}
      labels={labels}
      series={series.map((s, i) => ({ ...s, color: palette[i % palette.length]! }))}
      format={unit === 'usd' ? usd : (v) => formatAmount(unit, v)}
      labelSuffix={labelSuffix}
      legend={legend}
    />
  );
}
