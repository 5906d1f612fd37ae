import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type postgres from 'postgres';

/**
 * Puts the local Postgres server on CPU 0 and the given processes (the app server, this bench client)
 * on the other CPUs: the deployment where the database has cores of its own and the app servers run
 * elsewhere, emulated on one machine with `taskset`. Every process of the Postgres server is moved,
 * the postmaster included, so the backends it forks later land there too. Returns how to undo it, or
 * null (with the reason printed) when that cannot be done here: one CPU, a Postgres server that is
 * not on this machine, or no `taskset`.
 */
export async function splitCores(
  sql: postgres.Sql,
  appPids: number[],
): Promise<{ describe: string; restore: () => void } | null> {
  const cpus = availableParallelism();
  if (cpus < 2) return refuse('this machine has one CPU');
  const [backend] = await sql<{ pid: number }[]>`select pg_backend_pid() as pid`;
  const postmaster = backend ? parentOf(backend.pid) : null;
  if (postmaster === null || commOf(postmaster) !== 'postgres')
    return refuse('the Postgres server is not on this machine');
  const others = cpus > 2 ? `1-${cpus - 1}` : '1';
  const everyCpu = `0-${cpus - 1}`;
  try {
    pin(postgresProcesses(postmaster), '0');
    pin(appPids, others);
  } catch (err) {
    return refuse(`taskset failed (${(err as Error).message.split('\n')[0]})`);
  }
  return {
    describe: `Postgres on CPU 0, the app server and the bench client on CPU ${others}`,
    restore: () => {
      pin(postgresProcesses(postmaster), everyCpu);
      pin(appPids.filter(alive), everyCpu);
    },
  };
}

function refuse(why: string) {
  console.log(`  cores: not split (${why})`);
  return null;
}

/** `taskset -a`: every thread of each process. */
function pin(pids: number[], cpus: string) {
  for (const pid of pids) {
    try {
      execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
    } catch (err) {
      // A backend that exited since it was listed is no failure.
      if (alive(pid)) throw err;
    }
  }
}

function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The fields after the command name (which may hold spaces) start after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

const parentOf = (pid: number) => {
  const f = statFields(pid);
  return f ? Number(f[1]) : null;
};

const alive = (pid: number) => statFields(pid) !== null;

function commOf(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return null;
  }
}

/** The postmaster and its children (backends, WAL writer, checkpointer, autovacuum...). */
function postgresProcesses(postmaster: number): number[] {
  const out = [postmaster];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (parentOf(pid) === postmaster) out.push(pid);
  }
  return out;
}
