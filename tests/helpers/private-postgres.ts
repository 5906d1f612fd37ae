import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { freePort } from '../../scripts/lib/built-app';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A PostgreSQL server of the test's own, in a temp folder on a free port, that the test may stop and
 * start (the shared server at :5432 must never be stopped). Needs the server binaries (Debian's
 * `postgresql` package); as root it runs them as the `postgres` user, since Postgres refuses root.
 */
export type PrivatePostgres = {
  url: string;
  port: number;
  start: () => Promise<void>;
  /** `pg_ctl stop -m fast`: sessions are terminated, the port is closed. */
  stop: () => Promise<void>;
  destroy: () => Promise<void>;
};

/** The newest installed /usr/lib/postgresql/<major>/bin, or PG_BINDIR. */
function findBinDir(): string {
  const candidates = process.env.PG_BINDIR
    ? [process.env.PG_BINDIR]
    : existsSync('/usr/lib/postgresql')
      ? readdirSync('/usr/lib/postgresql')
          .sort((a, b) => Number(b) - Number(a))
          .map((v) => `/usr/lib/postgresql/${v}/bin`)
      : [];
  const found = candidates.find(
    (d) => existsSync(path.join(d, 'initdb')) && existsSync(path.join(d, 'pg_ctl')),
  );
  if (!found) {
    throw new Error(
      'This test needs the PostgreSQL server binaries (initdb, pg_ctl) to run a private server it can stop: ' +
        "install Debian's `postgresql` package or set PG_BINDIR",
    );
  }
  return found;
}

type Exec = (cmd: string, args: string[]) => Promise<unknown>;

/** A cluster in a temp folder owned by the user the server runs as; `init` fills its data folder. */
async function privateCluster(init: (exec: Exec, data: string) => Promise<void>): Promise<PrivatePostgres> {
  const bin = findBinDir();
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(path.join(tmpdir(), 'runledger-pg-'));
  if (asRoot) {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
    chownSync(dir, uid, gid);
  }
  const exec: Exec = (cmd, args) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', path.join(bin, cmd), ...args])
      : run(path.join(bin, cmd), args);
  const data = path.join(dir, 'data');
  await init(exec, data);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`;
  let running = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start: async () => {
      await exec('pg_ctl', [
        '-D',
        data,
        '-l',
        path.join(dir, 'log'),
        '-o',
        options,
        '-w',
        '-t',
        '60',
        'start',
      ]);
      running = true;
    },
    stop: async () => {
      await exec('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop']);
      running = false;
    },
    destroy: async () => {
      if (running) await exec('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function createPrivatePostgres(): Promise<PrivatePostgres> {
  return privateCluster(async (exec, data) => {
    await exec('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  });
}

/**
 * A streaming standby of `primary` (running): `pg_basebackup -R` copies it and writes the standby
 * settings (standby.signal, primary_conninfo); started, it replays the primary's WAL as it streams.
 * initdb's pg_hba.conf already lets local replication connections in.
 */
export async function createPrivateStandby(primary: PrivatePostgres): Promise<PrivatePostgres> {
  return privateCluster(async (exec, data) => {
    await exec('pg_basebackup', [
      '-D',
      data,
      '-h',
      '127.0.0.1',
      '-p',
      String(primary.port),
      '-U',
      'postgres',
      '-R',
      '-X',
      'stream',
      '--no-sync',
    ]);
  });
}
