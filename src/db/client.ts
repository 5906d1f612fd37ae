import 'server-only';
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { isNextBuild } from '@/lib/build-phase';
import { env } from '@/lib/env';
import { pgliteExtensions } from './pglite-extensions';
import { lockDataDir } from './pglite-lock';
import * as schema from './schema';

export type Schema = typeof schema;
/** One handle type for both drivers, so every domain function runs on PGlite and on Postgres. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** A handle or a transaction: domain functions accept either, so transactions compose. */
export type DbOrTx = Db | Tx;

export type DbConnection = {
  db: Db;
  driver: 'pglite' | 'postgres';
  /** The server URL (postgres only). */
  url?: string;
  close: () => Promise<void>;
};

/**
 * postgres.js settings for every connection, so that a request answers 503 within seconds while the
 * server is unreachable: a connect that gets no answer fails after 3 s (default 30 s), and a query
 * waits at most 0.5 s before its connection tries again. postgres.js's default reconnect backoff
 * grows to 10-20 s after a few refused connects, and every query handed to that connection waited
 * it out (requests hanging ~18 s during an outage).
 */
export const postgresOptions = {
  onnotice: () => {},
  connect_timeout: 3,
  backoff: (retries: number) => Math.min(0.05 * retries, 0.5),
};

export function connectPostgres(url: string, poolSize = 10): DbConnection {
  const client = postgres(url, { ...postgresOptions, max: poolSize });
  const db = drizzlePostgres(client, { schema, casing: 'snake_case' }) as unknown as Db;
  return { db, driver: 'postgres', url, close: () => client.end({ timeout: 5 }) };
}

/**
 * Opens PGlite; a folder is locked for this process first (see pglite-lock.ts), because a second
 * process writing the same folder corrupts it: DataDirLockedError while another live process holds it.
 */
export function connectPglite(dataDir?: string, loadDataDir?: Blob): DbConnection {
  let release = () => {};
  if (dataDir && !dataDir.startsWith('memory://')) {
    mkdirSync(dataDir, { recursive: true });
    release = lockDataDir(dataDir);
  }
  // The one-argument form: with `new PGlite(undefined, opts)` PGlite ignores loadDataDir.
  const client = new PGlite({ dataDir, loadDataDir, extensions: pgliteExtensions });
  const db = drizzlePglite(client, { schema, casing: 'snake_case' }) as unknown as Db;
  return {
    db,
    driver: 'pglite',
    close: async () => {
      try {
        await client.close();
      } finally {
        release();
      }
    },
  };
}

const globalForDb = globalThis as unknown as { __runledgerDb?: DbConnection };

/**
 * The process-wide connection: PGlite in RUNLEDGER_DATA_DIR by default, postgres.js when DATABASE_URL
 * is set. Kept on globalThis so Next.js dev hot reloads reuse it (PGlite allows one instance per folder).
 */
export function getConnection(): DbConnection {
  if (!globalForDb.__runledgerDb) {
    if (isNextBuild()) {
      throw new Error(
        'runledger: `next build` tried to open the database; a page or route that reads data must be dynamic',
      );
    }
    const e = env();
    globalForDb.__runledgerDb = e.DATABASE_URL
      ? connectPostgres(e.DATABASE_URL, e.DATABASE_POOL_SIZE)
      : connectPglite(e.RUNLEDGER_DATA_DIR);
  }
  return globalForDb.__runledgerDb;
}

export function getDb(): Db {
  return getConnection().db;
}
