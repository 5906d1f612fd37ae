import 'server-only';
import { type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { queryRows } from '@/db/sql';
import type { UsageWindowDto } from '@/lib/contract';
import { type WindowKind, windowStart } from '@/lib/windows';
import { getUsage } from './current';
import { windowsAt } from './windows';

/** Read queries for the /usage dashboard page only (the API does not need them). */

const preferred = ['tokens', 'requests', 'cost_micros'];

/**
 * The body of a recursive `m(metric)`: a loose index scan of the daily rollup's (project, metric) key,
 * one probe per metric (a DISTINCT over the ledger read every row), ending in a null row.
 */
const ledgerMetricsScan = (projectId: string) =>
  sql`select min(metric) as metric from usage_daily where project_id = ${projectId}::uuid
    union all
    select (select min(metric) from usage_daily where project_id = ${projectId}::uuid and metric > m.metric)
    from m where m.metric is not null`;

/**
 * The metrics in the ledger since the UTC day of `since` plus those that have a quota: the common ones first (their
 * totals are not comparable: a dollar is a million cost_micros), then by name.
 */
export async function usageMetrics(db: DbOrTx, projectId: string, since: Date): Promise<string[]> {
  const rows = await queryRows<{ metric: string }>(
    db,
    sql`with recursive m as (${ledgerMetricsScan(projectId)})
        select metric from m where metric is not null and exists (
          select 1 from usage_daily d where d.project_id = ${projectId}::uuid and d.metric = m.metric
            and d.day >= ${windowStart('day', since).toISOString()}::timestamptz)
        union
        select metric from quotas where project_id = ${projectId}::uuid`,
  );
  const rank = (m: string) => (preferred.includes(m) ? preferred.indexOf(m) : preferred.length);
  return rows.map((r) => r.metric).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** Every metric of the project's ledger. */
async function ledgerMetrics(db: DbOrTx, projectId: string): Promise<string[]> {
  const rows = await queryRows<{ metric: string }>(
    db,
    sql`with recursive m as (${ledgerMetricsScan(projectId)})
        select metric from m where metric is not null`,
  );
  return rows.map((r) => r.metric);
}

export type SubjectMetricUsage = {
  metric: string;
  /** Ledger totals of the subject in each current calendar window. */
  used: Record<WindowKind, number>;
  /** The quotas that apply to the subject (its own, else `*`), with their counters (holds included). */
  windows: UsageWindowDto[];
};

/**
 * One subject's usage in the current minute, hour, day and month for every metric it used this month
 * or that has a quota which applies to it, each with the quotas that govern it.
 */
export async function subjectUsage(
  db: DbOrTx,
  projectId: string,
  subject: string,
  opts: { now?: Date } = {},
): Promise<SubjectMetricUsage[]> {
  const at = opts.now ?? new Date();
  const w = Object.fromEntries(windowsAt(at).map((x) => [x.window, x.start.toISOString()])) as Record<
    WindowKind,
    string
  >;
  const t = (k: WindowKind) => sql`${w[k]}::timestamptz`;
  const key = (m: SQL) => sql`project_id = ${projectId}::uuid and metric = ${m} and subject = ${subject}`;
  // Per metric of the project, each window from the smallest rollup that holds it: month and day from
  // usage_daily, the hour from usage_hourly, and only the current minute from the ledger (an index range
  // of this subject's last minute). The metrics are listed first, so the statement is planned for those
  // few rows (a recursive CTE is estimated at 100, which priced the statement into JIT compilation).
  const metrics = await ledgerMetrics(db, projectId);
  const m = sql`m.metric`;
  const ledger = metrics.length
    ? sql`select m.metric,
          coalesce((select sum(amount) from usage_events where ${key(m)}
            and occurred_at >= ${t('minute')} and occurred_at <= ${at.toISOString()}::timestamptz), 0)::float8 as minute,
          coalesce((select sum(total) from usage_hourly where ${key(m)} and hour = ${t('hour')}), 0)::float8 as hour,
          coalesce((select sum(total) from usage_daily where ${key(m)} and day = ${t('day')}), 0)::float8 as day,
          (select sum(total) from usage_daily where ${key(m)}
            and day >= ${t('month')} and day <= ${at.toISOString()}::timestamptz)::float8 as month
        from (values ${sql.join(
          metrics.map((x) => sql`(${x})`),
          sql`, `,
        )}) as m(metric)`
    : null;
  const rows = await queryRows<{
    metric: string;
    minute: number;
    hour: number;
    day: number;
    month: number | null;
  }>(
    db,
    sql`${ledger ? sql`select * from (${ledger}) s where month is not null union all ` : sql``}
        select distinct metric, 0, 0, 0, 0 from quotas
        where project_id = ${projectId}::uuid and subject in (${subject}, '*')`,
  );
  const byMetric = new Map<string, Record<WindowKind, number>>();
  for (const r of rows) {
    const prev = byMetric.get(r.metric) ?? { minute: 0, hour: 0, day: 0, month: 0 };
    byMetric.set(r.metric, {
      minute: prev.minute + Number(r.minute),
      hour: prev.hour + Number(r.hour),
      day: prev.day + Number(r.day),
      month: prev.month + Number(r.month),
    });
  }
  // One metric's quota windows do not depend on another's: read them in parallel.
  const out: SubjectMetricUsage[] = await Promise.all(
    [...byMetric].map(async ([metric, used]) => {
      const { windows } = await getUsage(db, projectId, { subject, metric }, { now: at });
      return { metric, used, windows };
    }),
  );
  return out.sort((a, b) => b.used.month - a.used.month || a.metric.localeCompare(b.metric));
}
