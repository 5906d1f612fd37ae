import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';

/** Inside the data folder: Postgres ignores files it does not know. */
export const LOCK_FILE = 'runledger.lock';

type Holder = { pid: number; host: string; startTime: string | null; command: string };

/** Another live process holds the PGlite data folder (PGlite is single-process). */
export class DataDirLockedError extends Error {
  readonly holder: Holder;
  readonly dataDir: string;
  constructor(dataDir: string, holder: Holder) {
    super(
      `the PGlite data folder ${dataDir} is in use by process ${holder.pid} (${holder.command}); ` +
        'PGlite allows one process per folder',
    );
    this.name = 'DataDirLockedError';
    this.dataDir = dataDir;
    this.holder = holder;
  }
}

/** By name too: the error may come from another bundled copy of this module (Next.js chunks). */
export function isDataDirLocked(err: unknown): err is DataDirLockedError {
  return err instanceof Error && err.name === 'DataDirLockedError';
}

/**
 * A process's state letter (field 3: `Z` zombie, `X` dead) and start time in clock ticks since boot
 * (field 22, to tell a reused pid apart), from /proc on Linux; null elsewhere or when it is gone.
 */
function processStat(pid: number): { state: string; startTime: string | null } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces, so count from the closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', startTime: fields[19] ?? null };
  } catch {
    return null;
  }
}

const processStartTime = (pid: number) => processStat(pid)?.startTime ?? null;

function isAlive(holder: Holder): boolean {
  // A holder on another host (a shared folder) cannot be checked: assume it is alive.
  if (holder.host !== hostname()) return true;
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  const now = processStat(holder.pid);
  // Killed but not yet reaped by its parent (kill -9 a moment ago): it holds nothing any more.
  if (now && (now.state === 'Z' || now.state === 'X')) return false;
  return holder.startTime === null || now?.startTime == null || now.startTime === holder.startTime;
}

function readHolder(file: string): { holder: Holder | null; text: string } | null {
  try {
    const text = readFileSync(file, 'utf8');
    try {
      return { holder: JSON.parse(text) as Holder, text };
    } catch {
      return { holder: null, text };
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * Takes the data folder for this process: a lock file created exclusively (O_EXCL) with our pid and
 * process start time. A lock whose process is gone (kill -9, a crash) is stale and taken over at once;
 * a live holder makes this throw DataDirLockedError. Returns the release function (also run at exit).
 */
export function lockDataDir(dataDir: string): () => void {
  const file = path.join(dataDir, LOCK_FILE);
  const me: Holder = {
    pid: process.pid,
    host: hostname(),
    startTime: processStartTime(process.pid),
    command: process.argv.slice(1, 3).join(' ') || 'node',
  };
  const text = JSON.stringify(me);
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o644);
      try {
        writeSync(fd, text);
      } finally {
        closeSync(fd);
      }
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off('exit', release);
        // Only our own lock: never remove one that another process took over.
        if (readHolder(file)?.text === text) unlinkSync(file);
      };
      process.on('exit', release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const found = readHolder(file);
    if (!found) continue; // released meanwhile: try again
    if (found.holder) {
      if (isAlive(found.holder)) throw new DataDirLockedError(dataDir, found.holder);
    } else {
      // Empty or torn: a holder between create and write, unless it is old.
      const age = Date.now() - statSync(file).mtimeMs;
      if (age < 5_000) throw new DataDirLockedError(dataDir, { ...me, pid: 0, command: 'unknown' });
    }
    // Stale: remove it only if it is still the same file content, then race for it again.
    if (readHolder(file)?.text === found.text) {
      console.warn(
        `[runledger] removing a stale PGlite lock (process ${found.holder?.pid ?? '?'} no longer runs)`,
      );
      try {
        unlinkSync(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
  }
  throw new Error(`could not take the PGlite lock ${file}`);
}
