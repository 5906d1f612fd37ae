import 'server-only';
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { queryRowsPrepared as queryRows } from '@/db/sql';
import { secondsUntil, type WindowKind } from '@/lib/windows';
import { AppError } from '../errors';
import type { ApplyOutcome, UsageKey } from './counters';
import { toWindowDto, type WindowState } from './serialize';
import { applicableQuotasSql, windowsAt } from './windows';

/** The current window of every quota that applies to the key, with its counter (0 without one). */
export async function currentWindows(db: DbOrTx, key: UsageKey, at: Date): Promise<WindowState[]> {
  const rows = await queryRows<{
    id: string;
    subject: string;
    period: WindowKind;
    limit_value: number;
    mode: 'hard' | 'soft';
    used: number;
  }>(
    db,
    sql`select w.id, w.subject, w.period, w.limit_value::float8 as limit_value, w.mode,
          coalesce(uc.used, 0)::float8 as used
        from (${applicableQuotasSql(key.projectId, key.subject, key.metric, at)}) w
        left join usage_counters uc on uc.project_id = ${key.projectId}::uuid and uc.subject = ${key.subject}
          and uc.metric = ${key.metric} and uc.period = w.period and uc.window_start = w.start
        order by w.period`,
  );
  const bounds = new Map(windowsAt(at).map((w) => [w.window, w]));
  return rows.map((r) => ({
    quotaId: r.id,
    quotaSubject: r.subject,
    window: r.period,
    mode: r.mode,
    limit: Number(r.limit_value),
    used: Number(r.used),
    start: bounds.get(r.period)!.start,
    resetAt: bounds.get(r.period)!.resetAt,
  }));
}

/** Joins a successful outcome's window rows with their bounds at `at`. */
export function outcomeWindows(outcome: ApplyOutcome, at: Date): WindowState[] {
  const bounds = new Map(windowsAt(at).map((w) => [w.window, w]));
  return outcome.windows.map((w) => ({
    quotaId: w.quotaId,
    quotaSubject: w.subject,
    window: w.window,
    mode: w.mode,
    limit: Number(w.limit),
    used: Number(w.used ?? 0),
    start: bounds.get(w.window)!.start,
    resetAt: bounds.get(w.window)!.resetAt,
  }));
}

/**
 * The 429 for a refused amount. Read inside the refused transaction (the key's lock is held, so the
 * counters are exact); windows that did take the amount are shown without it, since it is rolled back.
 */
export async function quotaExceededError(
  tx: DbOrTx,
  key: UsageKey,
  outcome: ApplyOutcome,
  amount: number,
  at: Date,
): Promise<AppError> {
  const took = new Set(outcome.windows.filter((w) => w.used !== null).map((w) => w.window));
  const windows = (await currentWindows(tx, key, at)).map((w) =>
    took.has(w.window) ? { ...w, used: w.used - amount } : w,
  );
  let blocked = windows.filter((w) => w.mode === 'hard' && w.used + amount > w.limit);
  // Only when a quota changed between the two statements; report the hard windows as they are now.
  if (blocked.length === 0) blocked = windows.filter((w) => w.mode === 'hard');
  if (blocked.length === 0)
    return new AppError('conflict', 'The quotas changed during the request; retry it');
  const earliest = blocked.reduce((a, b) => (b.resetAt < a.resetAt ? b : a));
  // The most constraining window: the least remaining, then the latest reset.
  const tightest = blocked.reduce((a, b) => {
    const ra = a.limit - a.used;
    const rb = b.limit - b.used;
    return rb < ra || (rb === ra && b.resetAt > a.resetAt) ? b : a;
  });
  const dtos = windows.map(toWindowDto);
  return new AppError(
    'quota_exceeded',
    `Quota exceeded for ${key.metric} of ${key.subject} (${blocked.map((w) => w.window).join(', ')})`,
    { windows: dtos, blockedBy: blocked.map((w) => w.window) },
    {
      'Retry-After': String(Math.max(1, secondsUntil(earliest.resetAt, at))),
      'RateLimit-Limit': String(tightest.limit),
      'RateLimit-Remaining': String(Math.max(0, tightest.limit - tightest.used)),
      'RateLimit-Reset': String(Math.max(1, secondsUntil(tightest.resetAt, at))),
    },
  );
}
