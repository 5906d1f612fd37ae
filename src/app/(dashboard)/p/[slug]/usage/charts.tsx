'use client';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartSwitch } from './chart-switch';
import { formatAmount } from './format';

const palette = ['#10b981', '#6366f1', '#f59e0b', '#ef4444', '#06b6d4', '#a855f7', '#84cc16', '#64748b'];
const axis = { fontSize: 11, fill: '#71717a' };
const grid = { strokeDasharray: '3 3', vertical: false, stroke: '#e4e4e7' };
const margin = { top: 8, right: 8, bottom: 0, left: 0 };

/** The value axis of both charts: amounts in the metric's unit. */
function amountAxis(metric: string) {
  return {
    tick: axis,
    tickLine: false,
    axisLine: false,
    width: 56,
    tickFormatter: (v: number) => formatAmount(metric, v),
  };
}

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
  // Model names may contain dots, which recharts reads as paths: the series use index keys.
  const rows = data.map((d) => ({
    day: d.day.slice(5, 10),
    ...Object.fromEntries(models.map((m, i) => [`m${i}`, d.byModel[m] ?? 0])),
  }));
  return (
    <div className="h-56 w-full" data-testid={`daily-chart-${metric}`} data-chart>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={rows} margin={margin}>
          <CartesianGrid {...grid} />
          <XAxis dataKey="day" tick={axis} tickLine={false} interval="preserveStartEnd" minTickGap={16} />
          <YAxis {...amountAxis(metric)} />
          <Tooltip
            formatter={(v) => formatAmount(metric, Number(v))}
            labelFormatter={(l) => `${l} (UTC)`}
            cursor={{ fill: '#f4f4f5' }}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {models.map((m, i) => (
            <Bar
              key={m}
              dataKey={`m${i}`}
              name={m}
              stackId="models"
              fill={palette[i % palette.length]}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

/** Totals per UTC hour. */
export function HourlyChart({ metric, data }: { metric: string; data: { bucket: string; total: number }[] }) {
  const rows = data.map((d) => ({ hour: d.bucket.slice(5, 13).replace('T', ' '), total: d.total }));
  return (
    <div className="h-56 w-full" data-testid={`hourly-chart-${metric}`} data-chart>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={rows} margin={margin}>
          <CartesianGrid {...grid} />
          <XAxis dataKey="hour" tick={axis} tickLine={false} interval="preserveStartEnd" minTickGap={24} />
          <YAxis {...amountAxis(metric)} />
          <Tooltip
            formatter={(v) => [formatAmount(metric, Number(v)), metric]}
            labelFormatter={(l) => `${l}:00 UTC`}
          />
          <Bar dataKey="total" fill="#6366f1" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

export type DailySeries = { metric: string; models: string[]; data: DailyByModel; total: number };

/** Usage per day of one metric at a time (a switcher between the metrics), with its total. */
export function DailySwitch({ series, initial }: { series: DailySeries[]; initial?: string }) {
  return (
    <ChartSwitch
      label="Metric"
      options={series.map((s) => s.metric)}
      initial={initial}
      render={(metric) => {
        const s = series.find((x) => x.metric === metric)!;
        return (
          <>
            <p className="mb-1 text-xs text-zinc-500">
              {metric}: total {formatAmount(metric, s.total)}
            </p>
            <DailyByModelChart metric={metric} models={s.models} data={s.data} />
          </>
        );
      }}
    />
  );
}
