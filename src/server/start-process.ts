import 'server-only';
import { isDataDirLocked } from '@/db/pglite-lock';
import { env } from '@/lib/env';
import { installShutdownHandler } from './lifecycle';
import { localServerUrl, writeLocalToken } from './local-cli/token';
import { startServer } from './startup';
import { isDatabaseUnavailable } from './unavailable';

/**
 * The server process's start (called from instrumentation.ts): the shutdown handler, then startup.
 * An unreachable database does not stop the server: startServer keeps retrying in the background and
 * requests answer 503 meanwhile. A PGlite folder held by another process does.
 */
export async function startProcess(): Promise<void> {
  installShutdownHandler();
  try {
    await startServer();
    // On PGlite this process holds the data folder: the CLI asks this server instead (local-cli/).
    const { DATABASE_URL, RUNLEDGER_DATA_DIR } = env();
    if (!DATABASE_URL) writeLocalToken(RUNLEDGER_DATA_DIR, localServerUrl());
  } catch (err) {
    if (isDataDirLocked(err)) {
      console.error(`[runledger] cannot start: ${err.message}. Stop that process first.`);
      process.exit(1);
    }
    if (!isDatabaseUnavailable(err)) throw err;
  }
}
