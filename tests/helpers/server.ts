import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import type { DbConnection } from '@/db/client';
import { connectPglite } from '@/db/client';
import { runMigrations } from '@/db/migrate';
import { createApiKey, revokeApiKey } from '@/server/auth';
import { createProject } from '@/server/projects';
import { startBuiltApp } from '../../scripts/lib/built-app';
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

export type TestDatabase = {
  driver: TestDriver;
  /** The server's database settings (DATABASE_URL or RUNLEDGER_DATA_DIR) and admin password. */
  env: Record<string, string>;
  keys: Record<string, string>;
  projectIds: Record<string, string>;
  databaseUrl?: string;
  dataDir?: string;
  /** Removes the data folder or drops the database. */
  cleanup: () => Promise<void>;
};

/**
 * A fresh database of the given kind with one project and API key per name in `projects`, ready for
 * a built server (or several in turn: tests that kill and restart one). PGlite allows one process per
 * data folder, so the projects are created, and the folder closed, before a server opens it.
 */
export async function prepareTestDatabase(
  driver: TestDriver,
  projects: string[] = ['main', 'other'],
): Promise<TestDatabase> {
  if (driver === 'pglite') {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'runledger-http-'));
    // Restored from the migrated dump made in globalSetup (migrating a new folder costs seconds).
    const conn = connectPglite(dataDir, new Blob([readFileSync(inject('pgliteDump'))]));
    await runMigrations(conn);
    const seeded = await seedProjects(conn, projects);
    await conn.close();
    return {
      driver,
      ...seeded,
      dataDir,
      env: { RUNLEDGER_ADMIN_PASSWORD: 'test-admin-password', RUNLEDGER_DATA_DIR: dataDir, DATABASE_URL: '' },
      cleanup: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const created = await freshPostgresDatabase();
  const conn = created.connect(2);
  const seeded = await seedProjects(conn, projects);
  await conn.close();
  return {
    driver,
    ...seeded,
    databaseUrl: created.url,
    env: { RUNLEDGER_ADMIN_PASSWORD: 'test-admin-password', DATABASE_URL: created.url },
    cleanup: created.drop,
  };
}

/** Starts the BUILT app (`next start`, run `npm run build` first) on a fresh database of the given kind. */
export async function startTestServer(
  driver: TestDriver,
  projects: string[] = ['main', 'other'],
  extraEnv: Record<string, string> = {},
): Promise<TestServer> {
  const prepared = await prepareTestDatabase(driver, projects);
  const app = await startBuiltApp({
    purpose: 'HTTP tests',
    env: { ...prepared.env, ...extraEnv },
    cleanup: prepared.cleanup,
  });
  return {
    driver,
    baseUrl: app.baseUrl,
    databaseUrl: prepared.databaseUrl,
    keys: prepared.keys,
    projectIds: prepared.projectIds,
    logs: app.logs,
    stop: app.stop,
  };
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
