'use client';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartSwitch } from './chart-switch';

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
const axis = { fontSize: 11, fill: '#71717a' };
const usd = (v: number) => (v >= 100 ? `$${v.toFixed(0)}` : v >= 1 ? `$${v.toFixed(2)}` : `$${v.toFixed(4)}`);

/** Cost per UTC day stacked by a key (model or user). */
export function CostPerDayChart({
  id,
  keys,
  rows,
}: {
  id: string;
  keys: string[];
  rows: { day: string; byKey: Record<string, number> }[];
}) {
  // Keys may contain dots, which recharts reads as paths: the series use index keys.
  const data = rows.map((r) => ({
    day: r.day.slice(5),
    ...Object.fromEntries(keys.map((k, i) => [`k${i}`, r.byKey[k] ?? 0])),
  }));
  return (
    <div className="h-56 w-full" data-testid={id} data-chart>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e4e4e7" />
          <XAxis dataKey="day" tick={axis} tickLine={false} interval="preserveStartEnd" minTickGap={16} />
          <YAxis tick={axis} tickLine={false} axisLine={false} width={56} tickFormatter={usd} />
          <Tooltip
            formatter={(v) => usd(Number(v))}
            labelFormatter={(l) => `${l} (UTC)`}
            cursor={{ fill: '#f4f4f5' }}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {keys.map((k, i) => (
            <Bar
              key={k}
              dataKey={`k${i}`}
              name={k}
              stackId="cost"
              fill={palette[i % palette.length]}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

type CostRows = { keys: string[]; rows: { day: string; byKey: Record<string, number> }[] };

/** Cost per day split by model or by user, one at a time. */
export function CostSwitch({ byModel, byUser }: { byModel: CostRows; byUser: CostRows }) {
  return (
    <ChartSwitch
      label="Split cost by"
      options={['by model', 'by user'] as const}
      render={(split) => {
        const c = split === 'by model' ? byModel : byUser;
        return (
          <CostPerDayChart
            id={split === 'by model' ? 'cost-by-model' : 'cost-by-user'}
            keys={c.keys}
            rows={c.rows}
          />
        );
      }}
    />
  );
}
