import 'server-only';
import { type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { queryRows } from '@/db/sql';
import { iso } from '@/lib/time';
import type { WindowKind } from '@/lib/windows';
import { type QuotaState, quotaState } from './quota-state';
import { windowsAt } from './windows';

export type SubjectUsage = {
  subject: string;
  used: number;
  quota: {
    id: string;
    subject: string;
    limit: number;
    mode: 'hard' | 'soft';
    remaining: number;
    percent: number;
    state: QuotaState;
  } | null;
};

/**
 * `select subject, used` of one window (group by subject follows), from the rollups: day and month
 * windows are whole UTC days (usage_daily), the hour window one row per subject (usage_hourly). Only
 * the minute window, shorter than any rollup, reads the ledger (one minute of it).
 */
function usedPerSubject(projectId: string, metric: string, window: WindowKind, start: Date, end: Date): SQL {
  const range = (col: SQL) =>
    sql`project_id = ${projectId}::uuid and metric = ${metric}
      and ${col} >= ${start.toISOString()}::timestamptz and ${col} < ${end.toISOString()}::timestamptz`;
  if (window === 'day' || window === 'month') {
    return sql`select subject, sum(total)::float8 as used from usage_daily where ${range(sql`day`)}`;
  }
  if (window === 'hour') {
    return sql`select subject, sum(total)::float8 as used from usage_hourly where ${range(sql`hour`)}`;
  }
  return sql`select subject, sum(amount)::float8 as used from usage_events where ${range(sql`occurred_at`)}`;
}

/**
 * The subjects that used the most of a metric in the current window (from the rollups), each with the
 * quota that applies to it in that window (its own, else `*`) and how close it is to it.
 */
export async function topSubjects(
  db: DbOrTx,
  projectId: string,
  input: { metric: string; window: WindowKind; limit: number },
  opts: { now?: Date } = {},
): Promise<{ resetAt: string; data: SubjectUsage[] }> {
  const w = windowsAt(opts.now ?? new Date()).find((x) => x.window === input.window)!;
  const rows = await queryRows<{
    subject: string;
    used: number;
    quota_id: string | null;
    quota_subject: string | null;
    limit_value: number | null;
    mode: 'hard' | 'soft' | null;
  }>(
    db,
    sql`with t as (
          ${usedPerSubject(projectId, input.metric, w.window, w.start, w.resetAt)}
          group by subject order by 2 desc, subject limit ${Math.min(Math.max(1, input.limit), 1000)}
        )
        select t.subject, t.used, q.id as quota_id, q.subject as quota_subject,
               q.limit_value::float8 as limit_value, q.mode
        from t left join lateral (
          select id, subject, limit_value, mode from quotas
          where project_id = ${projectId}::uuid and metric = ${input.metric}
            and period = ${input.window}::quota_window and subject in (t.subject, '*')
          order by (subject = '*') limit 1
        ) q on true
        order by t.used desc, t.subject`,
  );
  return {
    resetAt: iso(w.resetAt),
    data: rows.map((r) => ({
      subject: r.subject,
      used: Number(r.used),
      quota:
        r.quota_id === null
          ? null
          : {
              id: r.quota_id,
              subject: r.quota_subject!,
              limit: Number(r.limit_value),
              mode: r.mode!,
              remaining: Math.max(0, Number(r.limit_value) - Number(r.used)),
              ...quotaState(Number(r.used), Number(r.limit_value)),
            },
    })),
  };
}
