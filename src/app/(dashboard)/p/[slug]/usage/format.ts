/** Display helpers of the usage page, shared by its server and client components. */

/** An amount of a metric: cost in dollars, large token counts abbreviated, the rest grouped. */
export function formatAmount(metric: string, n: number): string {
  if (metric === 'cost_micros') {
    const usd = n / 1_000_000;
    return usd === 0 ? '$0' : usd < 0.01 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
  }
  if (Math.abs(n) >= 1_000_000) return `${trim(n / 1_000_000)}M`;
  if (Math.abs(n) >= 10_000) return `${trim(n / 1000)}k`;
  return n.toLocaleString('en-US');
}

const trim = (x: number) => x.toFixed(x >= 100 ? 0 : 1).replace(/\.0$/, '');

/** "resets in 3h 12m": the time left until a window's reset, coarse enough to stay true for a while. */
export function formatResetsIn(resetAt: string | Date, now: Date): string {
  const s = Math.max(0, Math.ceil((new Date(resetAt).getTime() - now.getTime()) / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

export type BarState = 'ok' | 'warning' | 'exceeded';

/** The bar's state: amber from 80 %, red from 100 % (a limit of 0 is always full). */
export function barState(used: number, limit: number): { percent: number; state: BarState } {
  const percent = limit > 0 ? (used / limit) * 100 : 100;
  return { percent, state: percent >= 100 ? 'exceeded' : percent >= 80 ? 'warning' : 'ok' };
}

export const windowLabels = { minute: 'per minute', hour: 'per hour', day: 'per day', month: 'per month' };

/** A current window in words: "this minute", "today". */
export const windowNames = { minute: 'this minute', hour: 'this hour', day: 'today', month: 'this month' };
