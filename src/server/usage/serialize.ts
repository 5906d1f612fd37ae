import type { Quota, UsageReservation } from '@/db/schema';
import type { QuotaDto, ReservationDto, UsageWindowDto } from '@/lib/contract';
import type { WindowKind } from '@/lib/windows';
import { iso } from '@/lib/time';

export function toQuotaDto(q: Quota): QuotaDto {
  return {
    id: q.id,
    subject: q.subject,
    metric: q.metric,
    window: q.window,
    limit: q.limit,
    mode: q.mode,
    createdAt: iso(q.createdAt),
    updatedAt: iso(q.updatedAt),
  };
}

export function toReservationDto(r: UsageReservation): ReservationDto {
  return {
    id: r.id,
    subject: r.subject,
    metric: r.metric,
    amount: r.amount,
    status: r.status,
    committedAmount: r.committedAmount,
    runId: r.runId,
    expiresAt: iso(r.expiresAt),
    createdAt: iso(r.createdAt),
    settledAt: iso(r.settledAt),
  };
}

/** A quota's state in its current window, as the usage endpoints report it. */
export type WindowState = {
  quotaId: string;
  /** The quota's subject: the subject itself or `*`. */
  quotaSubject: string;
  window: WindowKind;
  mode: 'hard' | 'soft';
  limit: number;
  used: number;
  start: Date;
  resetAt: Date;
};

export function toWindowDto(w: WindowState): UsageWindowDto {
  return {
    window: w.window,
    limit: w.limit,
    used: w.used,
    remaining: Math.max(0, w.limit - w.used),
    resetAt: iso(w.resetAt),
    mode: w.mode,
    quotaId: w.quotaId,
    subject: w.quotaSubject,
  };
}
