import { readFileSync } from 'node:fs';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import { connectPglite, connectPostgres, type Db, type DbConnection } from '@/db/client';
import { adminUrl, testServerUrl, withDatabase } from './pg-url';

export type TestDriver = 'pglite' | 'postgres';

/** A fresh PGlite restored from the migrated dump made in globalSetup. */
export async function freshPglite(): Promise<DbConnection> {
  const dump = new Blob([readFileSync(inject('pgliteDump'))]);
  const conn = connectPglite(undefined, dump);
  return conn;
}

/** Creates a fresh database on the Postgres server, cloned from the migrated template. */
export async function freshPostgresDatabase(): Promise<{
  url: string;
  connect: (poolSize?: number) => DbConnection;
  drop: () => Promise<void>;
}> {
  const serverUrl = testServerUrl();
  const template = inject('pgTemplate');
  if (!serverUrl || !template) throw new Error('TEST_DATABASE_URL is not set');
  const name = `${template}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = postgres(adminUrl(serverUrl), { max: 1, onnotice: () => {} });
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.unsafe(`create database "${name}" template "${template}"`);
      break;
    } catch (err) {
      // Two clones of one template at the same instant can collide; retry briefly.
      if (attempt > 20) throw err;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
  const url = withDatabase(serverUrl, name);
  return {
    url,
    connect: (poolSize = 10) => connectPostgres(url, poolSize),
    drop: async () => {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

/** A fresh database on the Postgres server; dropped on close. */
export async function freshPostgres(poolSize = 10): Promise<DbConnection> {
  const created = await freshPostgresDatabase();
  const conn = created.connect(poolSize);
  return {
    ...conn,
    close: async () => {
      await conn.close();
      await created.drop();
    },
  };
}

export function availableDrivers(): TestDriver[] {
  return testServerUrl() && inject('pgTemplate') ? ['pglite', 'postgres'] : ['pglite'];
}

export type DbContext = { db: () => Db; driver: TestDriver; url?: string };

/**
 * Runs the suite once per available database: PGlite always, the Postgres server when
 * TEST_DATABASE_URL is set. Each gets its own fresh, migrated database for this file.
 */
export function describeEachDb(name: string, suite: (ctx: DbContext) => void) {
  for (const driver of availableDrivers()) {
    describe(`${name} [${driver}]`, () => {
      let conn: DbConnection | undefined;
      const ctx: DbContext = {
        driver,
        db: () => {
          if (!conn) throw new Error('database not ready');
          return conn.db;
        },
      };
      beforeAll(async () => {
        conn = driver === 'pglite' ? await freshPglite() : await freshPostgres();
      });
      afterAll(async () => {
        await conn?.close();
      });
      suite(ctx);
    });
  }
}
