import { env } from './env';

type Liveness = { status: string; updatedAt: Date };

const active = (status: string) => status === 'running' || status === 'queued';

/** Runs still active but untouched (no event, no update) since before this moment are stale. */
export const staleBefore = (now: number = Date.now()): Date =>
  new Date(now - env().RUNLEDGER_STALE_RUN_MINUTES * 60_000);

/** Running or queued, with no event or update since `before` (see staleBefore). */
export const isStale = (run: Liveness, before: Date): boolean => active(run.status) && run.updatedAt < before;

/** Some run is running or queued and not stale: the page shows the "live" mark. */
export const anyLive = (runs: Liveness[], before: Date): boolean =>
  runs.some((r) => active(r.status) && !isStale(r, before));
