import 'server-only';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { DbConnection } from './client';

export const migrationsFolder = path.join(process.cwd(), 'drizzle');

/** Applies the committed migrations; idempotent, and safe when several processes start at once. */
export async function runMigrations(conn: DbConnection, folder = migrationsFolder): Promise<void> {
  if (conn.driver === 'pglite') {
    // biome-ignore lint/suspicious/noExplicitAny: the migrator wants the driver-specific handle
    await migratePglite(conn.db as any, { migrationsFolder: folder });
    return;
  }
  // An advisory lock serializes concurrent starts against the same server database.
  await conn.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(727274)`);
    // biome-ignore lint/suspicious/noExplicitAny: the migrator wants the driver-specific handle
    await migratePostgres(tx as any, { migrationsFolder: folder });
  });
}
