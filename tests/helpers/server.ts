import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import type { DbConnection } from '@/db/client';
import { connectPglite } from '@/db/client';
import { runMigrations } from '@/db/migrate';
import { createApiKey, revokeApiKey } from '@/server/api-keys';
import { createProject } from '@/server/projects';
import { freshPostgresDatabase, type TestDriver } from './db';

export type TestServer = {
  driver: TestDriver;
  baseUrl: string;
  /** The server's process id. */
  pid: number;
  /** A key per project name (see prepareTestDatabase). */
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
  /** Every copy of the projects (`copies`); the first is `keys` and `projectIds`. */
  sets: { keys: Record<string, string>; projectIds: Record<string, string> }[];
  databaseUrl?: string;
  dataDir?: string;
  /** Removes the data folder or drops the database. */
  cleanup: () => Promise<void>;
};

async function seedSets(conn: DbConnection, projects: readonly string[], copies: number) {
  const sets = [];
  for (let i = 0; i < copies; i++) sets.push(await seedProjects(conn, [...projects]));
  return { ...sets[0]!, sets };
}

/**
 * A fresh database of the given kind with one project and API key per name in `projects` (`copies`
 * times over), ready for a built server (or several in turn: tests that kill and restart one). PGlite
 * allows one process per data folder, so the projects are created, and the folder closed, before a
 * server opens it.
 */
export async function prepareTestDatabase(
  driver: TestDriver,
  projects: readonly string[] = ['main', 'other'],
  copies = 1,
): Promise<TestDatabase> {
  if (driver === 'pglite') {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'runledger-http-'));
    // Restored from the migrated dump made in globalSetup (migrating a new folder costs seconds).
    const conn = connectPglite(dataDir, new Blob([readFileSync(inject('pgliteDump'))]));
    await runMigrations(conn);
    const seeded = await seedSets(conn, projects, copies);
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
  const seeded = await seedSets(conn, projects, copies);
  await conn.close();
  return {
    driver,
    ...seeded,
    databaseUrl: created.url,
    env: { RUNLEDGER_ADMIN_PASSWORD: 'test-admin-password', DATABASE_URL: created.url },
    cleanup: created.drop,
  };
}
