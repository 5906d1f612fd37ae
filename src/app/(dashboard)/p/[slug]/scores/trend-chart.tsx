'use client';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ScoreType } from '@/lib/enums';

const axis = { fontSize: 11, fill: '#71717a' };

export type TrendRow = { day: string; count: number; mean: number | null; passRate: number | null };

/** One score name per UTC day: the mean (numbers), the share of yes (yes/no) or the count (labels). */
export function TrendChart({
  name,
  dataType,
  data,
}: {
  name: string;
  dataType: ScoreType;
  data: TrendRow[];
}) {
  const key = dataType === 'numeric' ? 'mean' : dataType === 'boolean' ? 'passRate' : 'count';
  const label = dataType === 'numeric' ? 'daily mean' : dataType === 'boolean' ? 'pass rate' : 'scores';
  const format = (v: number) =>
    key === 'passRate' ? `${Math.round(v * 100)}%` : String(Math.round(v * 1000) / 1000);
  const rows = data.map((d) => ({ ...d, day: d.day.slice(5) }));
  return (
    <div className="h-52 w-full" data-testid={`trend-${name}`}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={rows} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e4e4e7" />
          <XAxis dataKey="day" tick={axis} tickLine={false} interval="preserveStartEnd" minTickGap={16} />
          <YAxis
            tick={axis}
            tickLine={false}
            axisLine={false}
            width={48}
            tickFormatter={format}
            domain={key === 'passRate' ? [0, 1] : ['auto', 'auto']}
          />
          <Tooltip
            formatter={(v, _n, item) => [`${format(Number(v))} (${item.payload.count} scores)`, label]}
            labelFormatter={(l) => `${l} (UTC)`}
          />
          <Line
            type="monotone"
            dataKey={key}
            stroke="#f59e0b"
            strokeWidth={2}
            dot={rows.length < 40}
            isAnimationActive={false}
            connectNulls
          />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
