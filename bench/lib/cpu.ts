import { readdirSync, readFileSync } from 'node:fs';

/** CPU time (ms) used so far by the processes a bench compares: this one, a server's, Postgres's. */
export type CpuSample = { bench: number; server: number; postgres: number };

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** utime + stime of a process, in ms (0 when it is gone). */
function processCpu(pid: number | string): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/**
 * Local Postgres processes summed: the backends connected to one of `databases` (their title names the
 * database) and the server's own workers (WAL writer, checkpointer...), not other databases' backends.
 * 0 when the server is not local.
 */
function postgresCpu(databases: string[]): number {
  let total = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue;
      const title = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      // A backend's title is "postgres: [<cluster>: ]<user> <database> <client>(<port>) <state>"; a
      // worker's ("postgres: 15/main: walwriter") names no client.
      const backend = /^postgres: (?:\S+: )?\S+ (\S+) (?:\[local\]|[0-9a-f.:]+\(\d+\))/.exec(title);
      if (!backend || databases.includes(backend[1]!)) total += processCpu(pid);
    } catch {}
  }
  return total;
}

/** Database names of Postgres URLs. */
export const databasesOf = (...urls: (string | undefined)[]) =>
  urls.filter((u): u is string => !!u).map((u) => decodeURIComponent(new URL(u).pathname.slice(1)));

export function cpuSample(databases: string[], serverPid?: number): CpuSample {
  const own = process.cpuUsage();
  return {
    bench: (own.user + own.system) / 1000,
    server: serverPid ? processCpu(serverPid) : 0,
    postgres: postgresCpu(databases),
  };
}

export const cpuSince = (from: CpuSample, databases: string[], serverPid?: number): CpuSample => {
  const now = cpuSample(databases, serverPid);
  return {
    bench: now.bench - from.bench,
    server: now.server - from.server,
    postgres: now.postgres - from.postgres,
  };
};

/** Where a round adds the CPU time its timed part used (Postgres's backends of `databases`, the server). */
export type CpuMeter = { databases: string[]; serverPid?: number; total: CpuSample };

export const noCpu = (): CpuSample => ({ bench: 0, server: 0, postgres: 0 });

/** Runs `work`, adding the CPU it used to the meter (when one is given). */
export async function metered<T>(cpu: CpuMeter | undefined, work: () => Promise<T>): Promise<T> {
  const from = cpu && cpuSample(cpu.databases, cpu.serverPid);
  const out = await work();
  if (cpu && from) {
    const add = cpuSince(from, cpu.databases, cpu.serverPid);
    cpu.total.bench += add.bench;
    cpu.total.server += add.server;
    cpu.total.postgres += add.postgres;
  }
  return out;
}

/**
 * Lines of CPU per `unit` (e.g. 1,000 events) for a raw baseline and the app (and `others` between them,
 * e.g. a second baseline), and the Postgres-bound ratio: with Postgres on cores of its own (the app
 * server and the clients elsewhere), its CPU per item is what bounds each path's throughput, so raw's
 * over the app's is the app's share of raw's there.
 */
export function cpuLines(
  unit: string,
  units: number,
  raw: CpuSample,
  app: CpuSample,
  appName = 'API',
  others: [string, CpuSample][] = [],
): string[] {
  const rows: [string, CpuSample][] = [['raw', raw], ...others, [appName, app]];
  const width = Math.max(...rows.map(([k]) => k.length));
  const row = ([k, c]: [string, CpuSample]) =>
    `    ${k.padEnd(width)} Postgres ${(c.postgres / units).toFixed(1).padStart(6)}   app server ${(c.server / units).toFixed(1).padStart(6)}   bench client ${(c.bench / units).toFixed(1).padStart(6)}   sum ${((c.postgres + c.server + c.bench) / units).toFixed(1).padStart(6)}`;
  return [
    `  CPU time per ${unit} (ms; the machine has 2 cores, so the sum bounds the throughput):`,
    ...rows.map(row),
    `  Postgres-bound ratio (raw's Postgres CPU per item / the ${appName}'s): ${((raw.postgres / Math.max(1, app.postgres)) * 100).toFixed(0)}%`,
  ];
}
