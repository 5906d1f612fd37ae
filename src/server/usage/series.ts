import 'server-only';
import { and, eq, lte, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { usageReservations } from '@/db/schema';
import { queryRows } from '@/db/sql';
import type { QuotaDto, UsageWindowDto } from '@/lib/contract';
import { iso } from '@/lib/time';
import type { WindowKind } from '@/lib/windows';
import { AppError } from '../errors';
import { currentWindows, lockKey } from './counters';
import { toQuotaDto, toWindowDto } from './serialize';
import { windowsAt } from './windows';

/**
 * The current window of every quota that applies to the subject and metric. Expired holds of this key
 * are released first (only when there are any, so a read takes no lock in the common case).
 */
export async function getUsage(
  db: DbOrTx,
  projectId: string,
  input: { subject: string; metric: string },
  opts: { now?: Date } = {},
): Promise<{ windows: UsageWindowDto[] }> {
  const at = opts.now ?? new Date();
  const key = { projectId, ...input };
  const [expired] = await db
    .select({ id: usageReservations.id })
    .from(usageReservations)
    .where(
      and(
        eq(usageReservations.projectId, projectId),
        eq(usageReservations.subject, input.subject),
        eq(usageReservations.metric, input.metric),
        eq(usageReservations.status, 'held'),
        lte(usageReservations.expiresAt, at),
      ),
    )
    .limit(1);
  if (expired) await db.transaction((tx) => lockKey(tx, key, at));
  return { windows: (await currentWindows(db, key, at)).map(toWindowDto) };
}

const MAX_BUCKETS = 5000;

/**
 * Ledger totals per hour or day bucket (UTC), every bucket of the range present (0 when empty), for
 * charts. Default range: the last 7 days by day, the last 48 hours by hour.
 */
export async function usageSeries(
  db: DbOrTx,
  projectId: string,
  input: { metric: string; subject?: string; from?: string; to?: string; bucket: 'hour' | 'day' },
  opts: { now?: Date } = {},
): Promise<{ data: { bucket: string; total: number }[] }> {
  const step = input.bucket === 'hour' ? 3_600_000 : 86_400_000;
  const to = input.to ? new Date(input.to) : (opts.now ?? new Date());
  const from = input.from
    ? new Date(input.from)
    : new Date(to.getTime() - (input.bucket === 'hour' ? 47 : 6) * step);
  if (from > to) throw new AppError('bad_request', '`from` is after `to`');
  if ((to.getTime() - from.getTime()) / step > MAX_BUCKETS) {
    throw new AppError('bad_request', `The range spans more than ${MAX_BUCKETS} ${input.bucket}s`);
  }
  const unit = input.bucket;
  const rows = await queryRows<{ bucket: string | Date; total: number }>(
    db,
    sql`with b as (
          select generate_series(date_trunc(${unit}, ${from.toISOString()}::timestamptz, 'UTC'),
                                 date_trunc(${unit}, ${to.toISOString()}::timestamptz, 'UTC'),
                                 ${`1 ${unit}`}::interval) as bucket
        ),
        t as (
          select date_trunc(${unit}, occurred_at, 'UTC') as bucket, sum(amount) as total
          from usage_events
          where project_id = ${projectId}::uuid and metric = ${input.metric}
            ${input.subject ? sql`and subject = ${input.subject}` : sql``}
            and occurred_at >= ${from.toISOString()}::timestamptz and occurred_at <= ${to.toISOString()}::timestamptz
          group by 1
        )
        select b.bucket, coalesce(t.total, 0)::float8 as total from b left join t on t.bucket = b.bucket
        order by b.bucket`,
  );
  return { data: rows.map((r) => ({ bucket: iso(new Date(r.bucket)), total: Number(r.total) })) };
}

export type ModelDay = { day: string; total: number; byModel: Record<string, number> };

/** Ledger totals per UTC day and model over the last `days` days (today included), for a stacked chart. */
export async function usageByModelPerDay(
  db: DbOrTx,
  projectId: string,
  input: { metric: string; days: number },
  opts: { now?: Date } = {},
): Promise<{ models: string[]; data: ModelDay[] }> {
  const days = Math.min(Math.max(1, Math.floor(input.days)), 366);
  const now = opts.now ?? new Date();
  const first = windowsAt(new Date(now.getTime() - (days - 1) * 86_400_000)).find((w) => w.window === 'day')!;
  const rows = await queryRows<{ day: string | Date; model: string | null; total: number }>(
    db,
    sql`select date_trunc('day', occurred_at, 'UTC') as day, model, sum(amount)::float8 as total
        from usage_events
        where project_id = ${projectId}::uuid and metric = ${input.metric}
          and occurred_at >= ${first.start.toISOString()}::timestamptz
          and occurred_at <= ${now.toISOString()}::timestamptz
        group by 1, 2`,
  );
  const data: ModelDay[] = Array.from({ length: days }, (_, i) => ({
    day: iso(new Date(first.start.getTime() + i * 86_400_000)),
    total: 0,
    byModel: {},
  }));
  const index = new Map(data.map((d, i) => [d.day, i]));
  const totals = new Map<string, number>();
  for (const r of rows) {
    const model = r.model ?? 'unknown';
    const d = data[index.get(iso(new Date(r.day)))!];
    if (!d) continue;
    d.byModel[model] = (d.byModel[model] ?? 0) + Number(r.total);
    d.total += Number(r.total);
    totals.set(model, (totals.get(model) ?? 0) + Number(r.total));
  }
  // Largest first, so the chart stacks the big series at the bottom.
  const models = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([m]) => m);
  return { models, data };
}

export type QuotaState = 'ok' | 'warning' | 'exceeded';

/** ok below 80 % of the limit, warning from 80 %, exceeded from 100 % (a limit of 0 is exceeded). */
export function quotaState(used: number, limit: number): { percent: number; state: QuotaState } {
  const percent = limit > 0 ? Math.round((used / limit) * 1000) / 10 : 100;
  return { percent, state: percent >= 100 ? 'exceeded' : percent >= 80 ? 'warning' : 'ok' };
}

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
 * The subjects that used the most of a metric in the current window (from the ledger), each with the
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
          select subject, sum(amount)::float8 as used from usage_events
          where project_id = ${projectId}::uuid and metric = ${input.metric}
            and occurred_at >= ${w.start.toISOString()}::timestamptz
            and occurred_at < ${w.resetAt.toISOString()}::timestamptz
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
