import type { MonitorComparator } from '@/lib/enums';

type Point = { at: string; value: number | null };

const W = 240;
const H = 48;

/**
 * The metric's points as a line against the threshold (dashed); points that breach it are red. Plain
 * SVG, usable on the server (the list) and in the form's live preview.
 */
export function Sparkline({
  points,
  threshold,
  comparator,
  label,
}: {
  points: Point[];
  threshold: number;
  comparator: MonitorComparator;
  label: string;
}) {
  const values = points.map((p) => p.value).filter((v): v is number => v !== null);
  const lo = Math.min(threshold, ...values, 0);
  const hi = Math.max(threshold, ...values);
  const span = hi - lo || 1;
  const x = (i: number) => (points.length > 1 ? (i / (points.length - 1)) * W : W / 2);
  const y = (v: number) => H - 2 - ((v - lo) / span) * (H - 4);
  const breach = (v: number) =>
    comparator === 'gt'
      ? v > threshold
      : comparator === 'gte'
        ? v >= threshold
        : comparator === 'lt'
          ? v < threshold
          : v <= threshold;
  const path = points
    .map((p, i) => (p.value === null ? null : `${x(i).toFixed(1)},${y(p.value).toFixed(1)}`))
    .filter(Boolean)
    .join(' ');
  return (
    <svg
      viewBox={`0 0 ${W} ${H}`}
      className="h-12 w-full max-w-60"
      role="img"
      aria-label={label}
      data-testid="sparkline"
      preserveAspectRatio="none"
    >
      <line x1={0} x2={W} y1={y(threshold)} y2={y(threshold)} stroke="#f59e0b" strokeDasharray="4 3" />
      {path && <polyline points={path} fill="none" stroke="#10b981" strokeWidth={1.5} />}
      {points.map((p, i) =>
        p.value !== null && breach(p.value) ? (
          <circle key={p.at} cx={x(i)} cy={y(p.value)} r={2} fill="#dc2626" />
        ) : null,
      )}
    </svg>
  );
}
