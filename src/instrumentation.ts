/**
 * Runs once per server start, before the first request: the shutdown handler, then migrations and
 * first-start setup. An unreachable database does not stop the server: startServer keeps retrying in
 * the background and requests answer 503 meanwhile. A PGlite folder held by another process does.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { installShutdownHandler } = await import('./server/lifecycle');
  const { startServer } = await import('./server/startup');
  const { isDatabaseUnavailable } = await import('./server/unavailable');
  const { isDataDirLocked } = await import('./db/pglite-lock');
  installShutdownHandler();
  try {
    await startServer();
  } catch (err) {
    if (isDataDirLocked(err)) {
      console.error(`[runledger] cannot start: ${err.message}. Stop that process first.`);
      process.exit(1);
    }
    if (!isDatabaseUnavailable(err)) throw err;
  }
}
