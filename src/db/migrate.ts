import 'server-only';
import path from 'node:path';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { type DbConnection, postgresOptions } from './client';

export const migrationsFolder = path.join(process.cwd(), 'drizzle');

/** Applies the committed migrations; idempotent, and safe when several processes start at once. */
export async function runMigrations(conn: DbConnection, folder = migrationsFolder): Promise<void> {
  if (conn.driver === 'pglite') {
    // biome-ignore lint/suspicious/noExplicitAny: the migrator wants the driver-specific handle
    await migratePglite(conn.db as any, { migrationsFolder: folder });
    return;
  }
  // One dedicated connection holding an advisory lock serializes concurrent starts on one database.
  const client = postgres(conn.url!, { ...postgresOptions, max: 1 });
  try {
    await client`select pg_advisory_lock(727274)`;
    await migratePostgres(drizzle(client), { migrationsFolder: folder });
  } finally {
    await client.end({ timeout: 5 });
  }
}
