import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { pgliteExtensions } from '../../src/db/pglite-extensions';
import type { TestProject } from 'vitest/node';
import { adminUrl, testServerUrl, withDatabase } from './pg-url';

/**
 * Migrates once per test run: a PGlite data dir dumped to a file (each test file restores it, ~0.5 s
 * instead of a 3 s initdb), and, when TEST_DATABASE_URL is set, a migrated template database on the
 * Postgres server from which each test file clones its own database. Everything is dropped at the end.
 */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(tmpdir(), 'runledger-test-'));
  const pg = new PGlite({ extensions: pgliteExtensions });
  await migrate(drizzle(pg), { migrationsFolder: path.resolve('drizzle') });
  const dump = await pg.dumpDataDir('none');
  await pg.close();
  const dumpPath = path.join(dir, 'pglite.tar');
  writeFileSync(dumpPath, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgliteDump', dumpPath);

  const serverUrl = testServerUrl();
  let template: string | undefined;
  if (serverUrl) {
    template = `runledger_test_${process.pid}_${Date.now().toString(36)}`;
    const admin = postgres(adminUrl(serverUrl), { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${template}"`);
    const client = postgres(withDatabase(serverUrl, template), { max: 1, onnotice: () => {} });
    await migratePostgres(drizzlePostgres(client), { migrationsFolder: path.resolve('drizzle') });
    await client.end();
    await admin.end();
  }
  project.provide('pgTemplate', template ?? '');

  return async () => {
    rmSync(dir, { recursive: true, force: true });
    if (serverUrl && template) {
      const admin = postgres(adminUrl(serverUrl), { max: 1, onnotice: () => {} });
      const leftovers = await admin<{ datname: string }[]>`
        select datname from pg_database where datname like ${`${template}%`}`;
      for (const { datname } of leftovers)
        await admin.unsafe(`drop database if exists "${datname}" with (force)`);
      await admin.end();
    }
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteDump: string;
    pgTemplate: string;
  }
}
