import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import type { DbConnection } from '@/db/client';
import { connectPglite } from '@/db/client';
import { runMigrations } from '@/db/migrate';
import { createApiKey, revokeApiKey } from '@/server/auth';
import { createProject } from '@/server/projects';
import { availableDrivers, freshPostgresDatabase, type TestDriver } from './db';

export type TestServer = {
  driver: TestDriver;
  baseUrl: string;
  /** A key per project name given to startTestServer. */
  keys: Record<string, string>;
  projectIds: Record<string, string>;
  /** The server's database URL (Postgres only), for tests that check rows directly. */
  databaseUrl?: string;
  /** Everything the server printed so far (stdout and stderr). */
  logs: () => string;
  stop: () => Promise<void>;
};

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function seedProjects(conn: DbConnection, names: string[]) {
  const keys: Record<string, string> = {};
  const projectIds: Record<string, string> = {};
  for (const name of names) {
    const project = await createProject(conn.db, {
      slug: `${name}-${Math.random().toString(36).slice(2, 8)}`,
    });
    const { key, apiKey } = await createApiKey(conn.db, project.id, name);
    // A project named `revoked…` gets a key that is revoked at once (401 tests).
    if (name.startsWith('revoked')) await revokeApiKey(conn.db, project.id, apiKey.id);
    keys[name] = key;
    projectIds[name] = project.id;
  }
  return { keys, projectIds };
}

/**
 * Starts the BUILT app (`next start`, run `npm run build` first) on a fresh database of the given kind,
 * with one project and API key per name in `projects`. PGlite allows one process per data folder, so
 * the projects are created before the server opens it.
 */
export async function startTestServer(
  driver: TestDriver,
  projects: string[] = ['main', 'other'],
  extraEnv: Record<string, string> = {},
): Promise<TestServer> {
  if (!existsSync('.next/BUILD_ID'))
    throw new Error('HTTP tests need the built app: run `npm run build` first');
  let dataDir: string | undefined;
  let databaseUrl: string | undefined;
  let dropDatabase: (() => Promise<void>) | undefined;
  let seeded: Awaited<ReturnType<typeof seedProjects>>;
  if (driver === 'pglite') {
    dataDir = mkdtempSync(path.join(tmpdir(), 'runledger-http-'));
    const conn = connectPglite(dataDir);
    await runMigrations(conn);
    seeded = await seedProjects(conn, projects);
    await conn.close();
  } else {
    const created = await freshPostgresDatabase();
    databaseUrl = created.url;
    dropDatabase = created.drop;
    const conn = created.connect(2);
    seeded = await seedProjects(conn, projects);
    await conn.close();
  }

  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    ['node_modules/next/dist/bin/next', 'start', '-p', String(port), '-H', '127.0.0.1'],
    {
      env: {
        ...process.env,
        NODE_ENV: 'production',
        NEXT_TELEMETRY_DISABLED: '1',
        RUNLEDGER_SEED_DEMO: '0',
        RUNLEDGER_ADMIN_PASSWORD: 'test-admin-password',
        RUNLEDGER_DATA_DIR: dataDir ?? '',
        DATABASE_URL: databaseUrl ?? '',
        ...extraEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    await dropDatabase?.();
  };

  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`next start exited early:\n${output}`);
    }
    try {
      const res = await fetch(`${baseUrl}/api/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`next start did not become ready:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { driver, baseUrl, databaseUrl, ...seeded, logs: () => output, stop };
}

export type ServerContext = {
  server: () => TestServer;
  driver: TestDriver;
  /** fetch against the server with a project's key (default 'main'); JSON-encodes a non-string body. */
  api: (path: string, init?: ApiInit) => Promise<Response>;
};

export type ApiInit = Omit<RequestInit, 'body'> & { body?: unknown; key?: string | null; project?: string };

/** Runs the suite against the built app on each available database (PGlite; Postgres when configured). */
export function describeEachServer(name: string, suite: (ctx: ServerContext) => void, projects?: string[]) {
  for (const driver of availableDrivers()) {
    describe(`${name} [${driver} server]`, () => {
      let srv: TestServer | undefined;
      const server = () => {
        if (!srv) throw new Error('server not started');
        return srv;
      };
      beforeAll(async () => {
        srv = await startTestServer(driver, projects);
      }, 120_000);
      afterAll(async () => {
        await srv?.stop();
      });
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
