/**
 * The server start's state, on globalThis so that every bundle of the process (the proxy's and the
 * app's) sees the same one. Dependency-free: the proxy imports it.
 */
export type StartState = {
  ready: boolean;
  /** The attempt in progress, if any. */
  attempt?: Promise<void>;
  /** Set after an attempt failed because the database was unreachable; a retry is scheduled. */
  waiting: boolean;
  failures: number;
  /** A failure that retrying cannot fix (a bad migration, a locked PGlite folder). */
  fatal?: unknown;
};

const globalForStartup = globalThis as unknown as { __runledgerStart?: StartState };

export function startState(): StartState {
  globalForStartup.__runledgerStart ??= { ready: false, waiting: false, failures: 0 };
  return globalForStartup.__runledgerStart;
}

/** True while the server has not started because its database is unreachable (it keeps retrying). */
export function startupWaiting(): boolean {
  const s = globalForStartup.__runledgerStart;
  return s !== undefined && !s.ready && s.waiting;
}
