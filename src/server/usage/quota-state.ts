export type QuotaState = 'ok' | 'warning' | 'exceeded';

/** ok below 80 % of the limit, warning from 80 %, exceeded from 100 % (a limit of 0 is exceeded). */
export function quotaState(used: number, limit: number): { percent: number; state: QuotaState } {
  const percent = limit > 0 ? Math.round((used / limit) * 1000) / 10 : 100;
  return { percent, state: percent >= 100 ? 'exceeded' : percent >= 80 ? 'warning' : 'ok' };
}
