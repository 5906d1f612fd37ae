import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { connectPglite, connectPostgres, type DbConnection } from '@/db/client';
import { adminUrl, testServerUrl, withDatabase } from './pg-url';

/** A new, empty PGlite (no migration applied): restored from the run's dump, not an initdb of its own. */
export function emptyPglite(): DbConnection {
  return connectPglite(undefined, new Blob([readFileSync(inject('pgliteEmptyDump'))]));
}

/**
 * A fresh database with only the migrations of `migrationsFolder` applied (an older schema, see
 * `migrationsBefore`), for the tests that upgrade it; on Postgres a database of its own, dropped by `drop`.
 */
export async function databaseAtMigrations(
  driver: 'pglite' | 'postgres',
  migrationsFolder: string,
  label: string,
): Promise<{ conn: DbConnection; drop: () => Promise<void> }> {
  if (driver === 'pglite') {
    const conn = emptyPglite();
    // biome-ignore lint/suspicious/noExplicitAny: the migrator wants the driver-specific handle
    await migratePglite(conn.db as any, { migrationsFolder });
    return { conn, drop: async () => {} };
  }
  const server = testServerUrl()!;
  const name = `runledger_${label}_${Date.now().toString(36)}_${process.pid}`;
  const admin = postgres(adminUrl(server), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = withDatabase(server, name);
  const client = postgres(url, { max: 1, onnotice: () => {} });
  await migratePostgres(drizzlePostgres(client), { migrationsFolder });
  await client.end();
  return {
    conn: connectPostgres(url, 2),
    drop: async () => {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}
