/**
 * One built server per database kind for the whole test run, shared by the HTTP suites: a server
 * start (and the first load of every route it serves) costs seconds of CPU, paid once instead of
 * once per suite. Each suite claims its own set of projects and keys, made before the server opened
 * its database (PGlite allows one process per data folder), so suites see only their own data.
 *
 * The first suite that asks starts the server (a detached process, so it outlives that suite's
 * worker); the others wait for its address. The global setup's teardown stops it and drops its data.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { beforeAll, describe, inject } from 'vitest';
import { freePort } from '../../scripts/lib/built-app';
import { standaloneServer } from '../../scripts/lib/standalone';
import { availableDrivers, type TestDriver } from './db';
import { prepareTestDatabase, type TestServer } from './server';
import { type SharedServerRecord, sharedServerFile } from './shared-server-files';

/** Project names every claimed set has (a name starting with `revoked` gets a revoked key). */
export const SHARED_PROJECT_NAMES = ['main', 'other', 'revoked'] as const;
/** Sets made per server: more than the suites that share it. */
const SETS = 48;
const READY_WITHIN_MS = 150_000;

const file = (driver: TestDriver, what: string) => sharedServerFile(inject('sharedServerDir'), driver, what);

async function waitHealthy(baseUrl: string, pid: number, logFile: string) {
  const deadline = Date.now() + READY_WITHIN_MS;
  for (;;) {
    try {
      if ((await fetch(`${baseUrl}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch {
      alive = false;
    }
    if (!alive || Date.now() > deadline) {
      throw new Error(
        `the shared test server ${alive ? 'did not become ready' : 'exited'}:\n${readFileSync(logFile, 'utf8')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Prepares the database (every set of projects), starts the server and records where it is. */
async function start(driver: TestDriver): Promise<SharedServerRecord> {
  if (!existsSync('.next/BUILD_ID'))
    throw new Error('The HTTP tests need the built app: run `npm run build` first');
  const db = await prepareTestDatabase(driver, SHARED_PROJECT_NAMES, SETS);
  const logFile = file(driver, 'log');
  const out = openSync(logFile, 'a');
  const port = await freePort();
  const server = standaloneServer(port);
  const child = spawn(process.execPath, server.args, {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      RUNLEDGER_SEED_DEMO: '0',
      ...server.env,
      ...db.env,
    },
    stdio: ['ignore', out, out],
    detached: true,
  });
  child.unref();
  const baseUrl = `http://127.0.0.1:${port}`;
  const record: SharedServerRecord = {
    baseUrl,
    pid: child.pid!,
    logFile,
    databaseUrl: db.databaseUrl,
    dataDir: db.dataDir,
    sets: db.sets,
  };
  // Written before waiting, so the teardown stops the process even if it never becomes ready.
  writeFileSync(file(driver, 'pid'), String(child.pid));
  await waitHealthy(baseUrl, child.pid!, logFile);
  return record;
}

async function record(driver: TestDriver): Promise<SharedServerRecord> {
  const ready = file(driver, 'json');
  let starter = false;
  try {
    mkdirSync(file(driver, 'starting'));
    starter = true;
  } catch {
    // another suite is starting it
  }
  if (starter) {
    try {
      const r = await start(driver);
      writeFileSync(`${ready}.tmp`, JSON.stringify(r));
      renameSync(`${ready}.tmp`, ready);
      return r;
    } catch (err) {
      writeFileSync(file(driver, 'failed'), String((err as Error).message));
      throw err;
    }
  }
  const deadline = Date.now() + READY_WITHIN_MS;
  for (;;) {
    if (existsSync(ready)) return JSON.parse(readFileSync(ready, 'utf8')) as SharedServerRecord;
    if (existsSync(file(driver, 'failed'))) throw new Error(readFileSync(file(driver, 'failed'), 'utf8'));
    if (Date.now() > deadline) throw new Error(`the shared ${driver} test server did not start in time`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The run's server on `driver`, with a set of projects no other suite uses. */
export async function sharedServer(driver: TestDriver): Promise<TestServer> {
  const r = await record(driver);
  for (let i = 0; i < r.sets.length; i++) {
    try {
      mkdirSync(file(driver, `set-${i}`));
    } catch {
      continue;
    }
    const set = r.sets[i]!;
    return {
      driver,
      baseUrl: r.baseUrl,
      pid: r.pid,
      databaseUrl: r.databaseUrl,
      keys: set.keys,
      projectIds: set.projectIds,
      logs: () => readFileSync(r.logFile, 'utf8'),
      // The teardown stops it: other suites use it.
      stop: async () => {},
    };
  }
  throw new Error(`all ${r.sets.length} project sets of the shared ${driver} server are taken: raise SETS`);
}

export type ServerContext = {
  server: () => TestServer;
  driver: TestDriver;
  /** fetch against the server with a project's key (default 'main'); JSON-encodes a non-string body. */
  api: (path: string, init?: ApiInit) => Promise<Response>;
};

export type ApiInit = Omit<RequestInit, 'body'> & { body?: unknown; key?: string | null; project?: string };

/**
 * Runs the suite against the built app on each available database (PGlite; Postgres when configured):
 * the run's shared server, with projects of the suite's own (`main`, `other`, `revoked`).
 */
export function describeEachServer(name: string, suite: (ctx: ServerContext) => void) {
  for (const driver of availableDrivers()) {
    describe(`${name} [${driver} server]`, () => {
      let srv: TestServer | undefined;
      const server = () => {
        if (!srv) throw new Error('server not started');
        return srv;
      };
      beforeAll(async () => {
        srv = await sharedServer(driver);
      }, READY_WITHIN_MS);
      const api = (p: string, init: ApiInit = {}) => {
        const { body, key, project = 'main', headers, ...rest } = init;
        const h = new Headers(headers);
        const apiKey = key === undefined ? server().keys[project] : key;
        if (apiKey) h.set('authorization', `Bearer ${apiKey}`);
        let payload: BodyInit | undefined;
        if (body !== undefined) {
          payload =
            typeof body === 'string' || body instanceof Uint8Array
              ? (body as BodyInit)
              : JSON.stringify(body);
          if (!h.has('content-type')) h.set('content-type', 'application/json');
        }
        return fetch(`${server().baseUrl}${p}`, { ...rest, headers: h, body: payload });
      };
      suite({ server, driver, api });
    });
  }
}
