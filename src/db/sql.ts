import 'server-only';
import type { SQL } from 'drizzle-orm';
import type { DbOrTx } from './client';

/** Runs raw SQL and returns its rows, whichever driver is behind the handle. */
export async function queryRows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}

/** The Postgres error code of a driver error, which Drizzle wraps in `cause`. */
export function pgErrorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let i = 0; i < 4 && e && typeof e === 'object'; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

export const PG_UNIQUE_VIOLATION = '23505';
export const PG_FOREIGN_KEY_VIOLATION = '23503';
export const PG_SERIALIZATION_FAILURE = '40001';
export const PG_DEADLOCK = '40P01';

type PostgresJsClient = {
  unsafe: (query: string, params: unknown[], options: { prepare: boolean }) => Promise<unknown[]>;
};

/**
 * queryRows for a hot path: on postgres.js the statement is prepared once per connection. Drizzle runs
 * raw SQL unprepared, and postgres.js then describes every parameterized statement before executing it,
 * a second round trip. PGlite has no round trips: plain queryRows.
 */
export async function queryRowsPrepared<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  const internals = db as unknown as {
    session?: { client?: Partial<PostgresJsClient> };
    dialect: { sqlToQuery: (q: SQL) => { sql: string; params: unknown[] } };
  };
  const client = internals.session?.client;
  if (!client || typeof client.unsafe !== 'function' || !('begin' in client || 'savepoint' in client)) {
    return queryRows<T>(db, query);
  }
  const q = internals.dialect.sqlToQuery(query);
  return (await client.unsafe(q.sql, q.params, { prepare: true })) as T[];
}
