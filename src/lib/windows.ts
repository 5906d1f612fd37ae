/** Calendar windows in UTC: a quota's window starts at the top of its minute/hour/day/month. */
import { type QuotaWindow, quotaWindows } from './enums';

/** The quota windows (declared in ./enums), shortest first. */
export const windowKinds = quotaWindows;
export type WindowKind = QuotaWindow;

/** The start of the window containing `at`. */
export function windowStart(window: WindowKind, at: Date): Date {
  const d = new Date(at.getTime());
  switch (window) {
    case 'minute':
      d.setUTCSeconds(0, 0);
      return d;
    case 'hour':
      d.setUTCMinutes(0, 0, 0);
      return d;
    case 'day':
      d.setUTCHours(0, 0, 0, 0);
      return d;
    case 'month':
      return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
  }
}

/** The end (exclusive) of the window that starts at `start`: when its quota resets. */
export function windowEndFromStart(window: WindowKind, start: Date): Date {
  switch (window) {
    case 'minute':
      return new Date(start.getTime() + 60_000);
    case 'hour':
      return new Date(start.getTime() + 3_600_000);
    case 'day':
      return new Date(start.getTime() + 86_400_000);
    case 'month':
      return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  }
}

/** When the window containing `at` resets (the start of the next one). */
export function windowEnd(window: WindowKind, at: Date): Date {
  return windowEndFromStart(window, windowStart(window, at));
}

/** Whole seconds from `now` until `until`, at least 0 (rounded up: a client waiting that long is past it). */
export function secondsUntil(until: Date, now: Date): number {
  return Math.max(0, Math.ceil((until.getTime() - now.getTime()) / 1000));
}

/** Sorts by the canonical window order (minute, hour, day, month). */
export function windowOrder(window: WindowKind): number {
  return windowKinds.indexOf(window);
}
