/** Where the shared test servers (./shared-server.ts) keep their state, and their teardown. */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

type ProjectSet = { keys: Record<string, string>; projectIds: Record<string, string> };

export type SharedServerRecord = {
  baseUrl: string;
  pid: number;
  logFile: string;
  databaseUrl?: string;
  dataDir?: string;
  sets: ProjectSet[];
};

/** A shared server's file in the run's folder: `pid`, `json` (the record), `log`, locks and claims. */
export const sharedServerFile = (dir: string, driver: string, what: string) =>
  path.join(dir, `${driver}.${what}`);

/**
 * For the global teardown: stops each shared server that was started and removes its PGlite folder
 * (a Postgres database is dropped with the run's other databases).
 */
export async function stopSharedServers(dir: string) {
  for (const driver of ['pglite', 'postgres'] as const) {
    const pidFile = sharedServerFile(dir, driver, 'pid');
    if (!existsSync(pidFile)) continue;
    await stopProcess(Number(readFileSync(pidFile, 'utf8')));
    const ready = sharedServerFile(dir, driver, 'json');
    const dataDir = existsSync(ready)
      ? (JSON.parse(readFileSync(ready, 'utf8')) as SharedServerRecord).dataDir
      : undefined;
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

async function stopProcess(pid: number) {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return; // gone already
  }
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
