import type { MonitorDto } from '@/lib/contract';
import type { MonitorComparator, MonitorMetric } from '@/lib/enums';

export const metricLabels: Record<MonitorMetric, string> = {
  run_count: 'Run count',
  error_rate: 'Error rate (%)',
  latency_p50: 'Latency p50 (ms)',
  latency_p95: 'Latency p95 (ms)',
  tokens: 'Tokens',
  cost: 'Cost (USD)',
  score_mean: 'Score mean',
  score_pass_rate: 'Score pass rate (%)',
  quota_use: 'Quota use (% of limit)',
};

export const comparatorSymbols: Record<MonitorComparator, string> = { gt: '>', gte: '≥', lt: '<', lte: '≤' };

/** "1 h", "15 min", "1 day". */
export function windowLabel(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} day`;
  if (seconds % 3_600 === 0) return `${seconds / 3_600} h`;
  return `${Math.round(seconds / 60)} min`;
}

/** One line saying what the monitor watches: "Error rate (%) > 5 over 10 min, per user". */
export function describeMonitor(
  m: Pick<MonitorDto, 'metric' | 'comparator' | 'threshold' | 'windowSeconds' | 'perSubject' | 'scoreName'>,
): string {
  const metric = m.scoreName ? `${metricLabels[m.metric]} of “${m.scoreName}”` : metricLabels[m.metric];
  const window = m.metric === 'quota_use' ? "in the quota's window" : `over ${windowLabel(m.windowSeconds)}`;
  return `${metric} ${comparatorSymbols[m.comparator]} ${m.threshold} ${window}${m.perSubject ? ', per subject' : ''}`;
}

/** A value for people: at most 4 significant digits. */
export const formatValue = (v: number | null) =>
  v === null ? 'no data' : Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
