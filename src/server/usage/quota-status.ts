import 'server-only';
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { queryRows } from '@/db/sql';
import type { QuotaDto } from '@/lib/contract';
import { iso } from '@/lib/time';
import { type QuotaState, quotaState } from './quota-state';
import { toQuotaDto } from './serialize';
import { windowsAt } from './windows';

export type QuotaStatus = {
  quota: QuotaDto;
  windowStart: string;
  resetAt: string;
  /** For a `*` quota: the counter of the subject nearest its limit (`subject`), among `subjects` counted. */
  used: number;
  remaining: number;
  percent: number;
  state: QuotaState;
  subject: string | null;
  subjects: number;
};

/**
 * Every quota of the project in its current window. A subject quota shows its subject's counter; a `*`
 * quota shows the busiest subject it governs (subjects with their own quota for that window are not).
 */
export async function quotaStatus(
  db: DbOrTx,
  projectId: string,
  opts: { now?: Date } = {},
): Promise<QuotaStatus[]> {
  const bounds = windowsAt(opts.now ?? new Date());
  const values = sql.join(
    bounds.map((b) => sql`(${b.window}::quota_window, ${b.start.toISOString()}::timestamptz)`),
    sql`, `,
  );
  const rows = await queryRows<{
    id: string;
    top_subject: string | null;
    used: number | null;
    subjects: number;
  }>(
    db,
    sql`select q.id, top.subject as top_subject, top.used, coalesce(n.subjects, 0)::int as subjects
        from quotas q
        join (values ${values}) as v(period, start) on v.period = q.period
        left join lateral (
          select uc.subject, uc.used::float8 as used from usage_counters uc
          where uc.project_id = q.project_id and uc.metric = q.metric and uc.period = q.period
            and uc.window_start = v.start
            and (uc.subject = q.subject or (q.subject = '*' and not exists (
              select 1 from quotas o where o.project_id = q.project_id and o.metric = q.metric
                and o.period = q.period and o.subject = uc.subject)))
          order by uc.used desc, uc.subject limit 1
        ) top on true
        left join lateral (
          select count(*) as subjects from usage_counters uc
          where uc.project_id = q.project_id and uc.metric = q.metric and uc.period = q.period
            and uc.window_start = v.start and (uc.subject = q.subject or q.subject = '*')
        ) n on true
        where q.project_id = ${projectId}::uuid`,
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  const all = await db.query.quotas.findMany({ where: (q, { eq: e }) => e(q.projectId, projectId) });
  return all
    .map((q) => {
      const r = byId.get(q.id);
      const b = bounds.find((x) => x.window === q.window)!;
      const used = Number(r?.used ?? 0);
      return {
        quota: toQuotaDto(q),
        windowStart: iso(b.start),
        resetAt: iso(b.resetAt),
        used,
        remaining: Math.max(0, q.limit - used),
        ...quotaState(used, q.limit),
        subject: q.subject === '*' ? (r?.top_subject ?? null) : q.subject,
        subjects: r?.subjects ?? 0,
      };
    })
    .sort((a, b) => b.percent - a.percent || a.quota.metric.localeCompare(b.quota.metric));
}
