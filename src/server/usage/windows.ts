import 'server-only';
import { type SQL, sql } from 'drizzle-orm';
import { type WindowKind, windowEndFromStart, windowKinds, windowStart } from '@/lib/windows';

export type WindowAt = { window: WindowKind; start: Date; resetAt: Date };

/** The four calendar windows containing `at`. */
export function windowsAt(at: Date): WindowAt[] {
  return windowKinds.map((window) => {
    const start = windowStart(window, at);
    return { window, start, resetAt: windowEndFromStart(window, start) };
  });
}

/** `(period, start)` rows of the windows containing `at`, for a VALUES list. */
export function windowValues(at: Date): SQL {
  return sql.join(
    windowsAt(at).map((w) => sql`(${w.window}::quota_window, ${w.start.toISOString()}::timestamptz)`),
    sql`, `,
  );
}

/**
 * The quotas that apply to one subject and metric, one per window: the subject's own quota, else the
 * `*` quota (ordering `subject = '*'` last makes DISTINCT ON keep the specific one). Each row carries
 * the start of its window at `at`. Columns: id, subject, period, limit_value, mode, start.
 */
export function applicableQuotasSql(projectId: string, subject: string, metric: string, at: Date): SQL {
  return sql`select distinct on (q.period) q.id, q.subject, q.period, q.limit_value, q.mode, v.start
    from quotas q join (values ${windowValues(at)}) as v(period, start) on v.period = q.period
    where q.project_id = ${projectId}::uuid and q.metric = ${metric} and q.subject in (${subject}, '*')
    order by q.period, (q.subject = '*')`;
}

/**
 * The four windows containing `at`, each with the quota that applies to the subject in it, if any (the
 * subject's own, else `*`). Every window is counted whether or not a quota watches it, so a quota
 * created, deleted or re-created later finds its counter equal to the ledger. Columns: id, subject,
 * limit_value and mode (null without a quota), period, start.
 */
export function countedWindowsSql(projectId: string, subject: string, metric: string, at: Date): SQL {
  return sql`select q.id, q.subject, v.period, q.limit_value, q.mode, v.start
    from (values ${windowValues(at)}) as v(period, start)
    left join lateral (
      select q.id, q.subject, q.limit_value, q.mode from quotas q
      where q.project_id = ${projectId}::uuid and q.metric = ${metric} and q.subject in (${subject}, '*')
        and q.period = v.period
      order by (q.subject = '*') limit 1
    ) q on true`;
}

/** One advisory lock per (project, subject, metric): every writer of those counters takes it first. */
export function counterLockSql(projectId: string, subject: string, metric: string): SQL {
  return sql`select pg_advisory_xact_lock(hashtextextended(${`usage:${projectId}:${subject}:${metric}`}, 0))`;
}
