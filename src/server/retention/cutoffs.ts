import 'server-only';
import { windowStart } from '@/lib/windows';

const DAY = 86_400_000;

/**
 * Where the ledger may be cut: `usageDays` before `now`, rounded down to a UTC day (so the daily and
 * hourly rollups are trimmed with it, by whole days), and never after the start of the current month,
 * the longest quota window (a counter must stay recomputable from the ledger of its window).
 */
export function ledgerCutoff(now: Date, usageDays: number): Date {
  const byDays = windowStart('day', new Date(now.getTime() - usageDays * DAY));
  const month = windowStart('month', now);
  return new Date(Math.min(byDays.getTime(), month.getTime()));
}

export function runCutoff(now: Date, runDays: number): Date {
  return new Date(now.getTime() - runDays * DAY);
}
