/**
 * A stacked bar chart as plain SVG and HTML, no chart library: a series is one path; each bar has a
 * native tooltip (`<title>`) with every series' value, so a chart weighs a few kilobytes whatever its
 * series. Rendered on the server for the first paint; /usage hands it its numbers through a small
 * client component (usage/chart-view.tsx) so the page data carries the numbers, not the drawn SVG.
 */
export type BarSeries = { name: string; color: string; values: number[] };

/** Up to five round ticks from 0 covering `max` (steps of 1, 2 or 5 times a power of ten). */
export function niceTicks(max: number): number[] {
  if (!(max > 0)) return [0];
  const rough = max / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 5, 10].find((m) => m * power >= rough) ?? 10) * power;
  const ticks: number[] = [];
  for (let v = 0; v < max + step; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** What lies under series `k` at each bar: the sum of the series stacked before it. */
function stacked(series: BarSeries[], k: number): number[] {
  return (
    series[0]?.values.map((_, i) => series.slice(0, k).reduce((n, s) => n + (s.values[i] ?? 0), 0)) ?? []
  );
}

/** A series' bars as one path (a rectangle per bar, from its base up by its value): a few bytes each. */
function barsPath(values: number[], base: number[], y: (v: number) => number): string {
  const r = (n: number) => Math.round(n * 100) / 100;
  return values
    .map((v, i) => (v > 0 ? `M${r(i + 0.12)} ${r(y(base[i]! + v))}h.76V${r(y(base[i]!))}h-.76z` : ''))
    .join('');
}

export function BarChart({
  id,
  labels,
  series,
  format,
  labelSuffix = '',
  legend = series.length > 1,
}: {
  /** The chart's test id. */
  id: string;
  /** One label per bar (x axis), e.g. `11-03`. */
  labels: string[];
  /** Stacked bottom to top, in this order. */
  series: BarSeries[];
  /** Values as shown on the axis and in tooltips. */
  format: (v: number) => string;
  /** After a bar's label in its tooltip, e.g. ` (UTC)`. */
  labelSuffix?: string;
  legend?: boolean;
}) {
  const totals = labels.map((_, i) => series.reduce((n, s) => n + (s.values[i] ?? 0), 0));
  const ticks = niceTicks(Math.max(0, ...totals));
  const top = ticks[ticks.length - 1] || 1;
  const y = (v: number) => 100 - (v / top) * 100;
  // At most ~8 x labels, evenly spaced, the first and last always (none crowding the last).
  const every = Math.max(1, Math.ceil(labels.length / 8));
  return (
    <div data-testid={id} data-chart className="w-full">
      <div className="relative h-48 pl-14 pb-5 text-[11px] text-zinc-500">
        {ticks.map((t) => (
          <span
            key={t}
            className="absolute left-0 w-12 -translate-y-1/2 text-right"
            style={{ top: `calc((100% - 1.25rem) * ${y(t) / 100})` }}
          >
            {format(t)}
          </span>
        ))}
        <svg
          viewBox={`0 0 ${labels.length} 100`}
          preserveAspectRatio="none"
          className="h-full w-full overflow-visible"
          role="img"
          aria-label={`${series.map((s) => s.name).join(', ')}: ${labels.length} bars, highest ${format(Math.max(0, ...totals))}`}
        >
          {ticks.map((t) => (
            <line
              key={t}
              x1={0}
              x2={labels.length}
              y1={y(t)}
              y2={y(t)}
              stroke="#e4e4e7"
              strokeDasharray="3 3"
              vectorEffect="non-scaling-stroke"
            />
          ))}
          {series.map((s, k) => (
            <path key={s.name} data-bar fill={s.color} d={barsPath(s.values, stacked(series, k), y)} />
          ))}
          {/* One hover target per bar, its tooltip every series' value. */}
          {labels.map((label, i) => (
            <rect key={label} x={i} width={1} y={0} height={100} fill="transparent">
              <title>{`${label}${labelSuffix}: ${
                series
                  .filter((s) => (s.values[i] ?? 0) > 0)
                  .map((s) => `${s.name} ${format(s.values[i]!)}`)
                  .join(', ') || format(0)
              }`}</title>
            </rect>
          ))}
        </svg>
        {labels.map((label, i) =>
          (i % every === 0 && labels.length - 1 - i >= every) || i === labels.length - 1 ? (
            // Under its bar; the last one ends at the chart's edge, so it never widens the page.
            <span
              key={label}
              className="absolute bottom-0 whitespace-nowrap"
              style={
                i === labels.length - 1 && i > 0
                  ? { right: 0 }
                  : {
                      left: `calc(3.5rem + (100% - 3.5rem) * ${(i + 0.5) / labels.length})`,
                      transform: 'translateX(-50%)',
                    }
              }
            >
              {label}
            </span>
          ) : null,
        )}
      </div>
      {legend && (
        <ul className="mt-1 flex flex-wrap justify-center gap-x-3 gap-y-1 text-xs text-zinc-600">
          {series.map((s) => (
            <li key={s.name} className="flex items-center gap-1">
              <span className="inline-block size-2.5 rounded-sm" style={{ background: s.color }} />
              {s.name}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
