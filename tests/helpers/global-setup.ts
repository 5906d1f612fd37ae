import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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
import { stopSharedServers } from './shared-server-files';

/**
 * Migrates once per test run: a PGlite data dir dumped to a file (each test file restores it, ~0.5 s
 * instead of a 3 s initdb), and, when TEST_DATABASE_URL is set, a migrated template database on the
 * Postgres server from which each test file clones its own database. Everything is dropped at the end.
 * The same PGlite is dumped before its migrations too: the upgrade tests restore that for a database
 * at an older schema (tests/helpers/old-schema.ts) instead of an initdb each.
 */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(tmpdir(), 'runledger-test-'));
  const pg = new PGlite({ extensions: pgliteExtensions });
  await pg.waitReady; // (a dump asked for before that never settles)
  const emptyDumpPath = path.join(dir, 'pglite-empty.tar');
  writeFileSync(emptyDumpPath, Buffer.from(await (await pg.dumpDataDir('none')).arrayBuffer()));
  project.provide('pgliteEmptyDump', emptyDumpPath);
  await migrate(drizzle(pg), { migrationsFolder: path.resolve('drizzle') });
  const dump = await pg.dumpDataDir('none');
  await pg.close();
  const dumpPath = path.join(dir, 'pglite.tar');
  writeFileSync(dumpPath, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgliteDump', dumpPath);
  const sharedServerDir = path.join(dir, 'shared-servers');
  mkdirSync(sharedServerDir);
  project.provide('sharedServerDir', sharedServerDir);

  const serverUrl = testServerUrl();
  let template: string | undefined;
  if (!serverUrl) {
    const skipped = readdirSync('tests', { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.pg.test.ts'))
      .map((f) => path.join('tests', f));
    if (skipped.length > 0) {
      console.log(
        `\n[tests] NOT RUN (TEST_DATABASE_URL is unset; these suites need a PostgreSQL server):\n` +
          skipped.map((f) => `  - ${f}`).join('\n') +
          '\n[tests] Every other integration suite runs on PGlite only. Set TEST_DATABASE_URL to run them all.\n',
      );
    }
  }
  if (serverUrl) {
    template = `runledger_test_${process.pid}_${Date.now().toString(36)}`;
    const admin = postgres(adminUrl(serverUrl), { max: 1, onnotice: () => {}, connect_timeout: 10 });
    try {
      await admin.unsafe(`create database "${template}"`);
    } catch (err) {
      await admin.end({ timeout: 1 }).catch(() => {});
      throw new Error(
        `TEST_DATABASE_URL is set but its PostgreSQL server cannot be used (${(err as Error).message}). ` +
          'Start the server, or unset TEST_DATABASE_URL to test on PGlite only.',
        { cause: err },
      );
    }
    const client = postgres(withDatabase(serverUrl, template), { max: 1, onnotice: () => {} });
    await migratePostgres(drizzlePostgres(client), { migrationsFolder: path.resolve('drizzle') });
    await client.end();
    await admin.end();
  }
  project.provide('pgTemplate', template ?? '');

  return async () => {
    // Before the databases go: the shared servers hold them open.
    await stopSharedServers(sharedServerDir);
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
    /** The same PGlite before any migration (an initdb'd, empty database). */
    pgliteEmptyDump: string;
    pgTemplate: string;
    /** Where the run's shared HTTP test servers keep their state (tests/helpers/shared-server.ts). */
    sharedServerDir: string;
  }
}
