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

/** The constraint a driver error names (a unique or foreign key violation), wrapped or not. */
export function pgConstraint(err: unknown): string | undefined {
  let e: unknown = err;
  for (let i = 0; i < 4 && e && typeof e === 'object'; i++) {
    const o = e as { constraint?: unknown; constraint_name?: unknown };
    const name = o.constraint_name ?? o.constraint;
    if (typeof name === 'string') return name;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * What a log may say about a database error: its code, the driver's message cut short, the table,
 * column and constraint, and how large the query's parameters were. Never the parameters or the full
 * message (Drizzle puts every parameter, i.e. the request body, in its error's message). Null when
 * the error did not come from a query.
 */
export function describeDbError(err: unknown): Record<string, unknown> | null {
  let code: string | undefined;
  let message: string | undefined;
  let paramBytes: number | undefined;
  const where: Record<string, unknown> = {};
  for (let e: unknown = err, i = 0; i < 4 && e && typeof e === 'object'; i++) {
    const o = e as Record<string, unknown>;
    if (Array.isArray(o.params) && paramBytes === undefined) {
      paramBytes = o.params.reduce<number>((n, p) => n + (JSON.stringify(p)?.length ?? 0), 0);
    }
    if (!code && typeof o.code === 'string' && /^[0-9A-Z]{5}$/.test(o.code)) {
      code = o.code;
      message = String(o.message ?? '').slice(0, 200);
      for (const k of ['table', 'table_name', 'column', 'column_name', 'constraint', 'constraint_name']) {
        if (typeof o[k] === 'string') where[k.replace('_name', '')] = o[k];
      }
    }
    e = o.cause;
  }
  if (!code && paramBytes === undefined) return null;
  return { code, message, ...where, paramBytes };
}

export const PG_UNIQUE_VIOLATION = '23505';
export const PG_FOREIGN_KEY_VIOLATION = '23503';
export const PG_SERIALIZATION_FAILURE = '40001';
export const PG_DEADLOCK = '40P01';
export const PG_LOCK_NOT_AVAILABLE = '55P03';

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

type ReservedClient = PostgresJsClient & { release: () => void };

/**
 * Runs `queries` in order as one transaction and returns each one's rows. On postgres.js, in ONE round
 * trip: BEGIN, the statements and COMMIT are sent together on a reserved connection. A statement that
 * fails makes the ones after it fail, and the COMMIT then rolls the transaction back (Postgres ends a
 * failed transaction that way): the first error is thrown, nothing is kept. Otherwise (PGlite, which has
 * no round trips, or a handle already in a transaction) a plain `db.transaction` running them in order.
 * For a statement that needs a value an earlier one found, hand it over in a transaction-local setting
 * (`set_config(name, value, true)` / `current_setting(name)`). `after`: statements sent in the same
 * round trip behind the COMMIT, each its own transaction, run whether or not the transaction committed
 * (their rows follow the transaction's in the result).
 */
export async function pipelinedTransaction(
  db: DbOrTx,
  queries: SQL[],
  after: SQL[] = [],
): Promise<unknown[][]> {
  const internals = db as unknown as {
    $client?: { reserve?: () => Promise<ReservedClient> };
    dialect: { sqlToQuery: (q: SQL) => { sql: string; params: unknown[] } };
  };
  const pool = internals.$client;
  if (!pool || typeof pool.reserve !== 'function') {
    const done = db
      .transaction(async (tx) => {
        const rows: unknown[][] = [];
        for (const q of queries) rows.push(await queryRows<unknown>(tx, q));
        return rows;
      })
      .then(
        (rows) => ({ rows, error: null as unknown }),
        (error: unknown) => ({ rows: [] as unknown[][], error }),
      );
    const { rows, error } = await done;
    for (const q of after) rows.push(await queryRows<unknown>(db, q));
    if (error) throw error;
    return rows;
  }
  const conn = await pool.reserve();
  try {
    const send = (q: SQL) => {
      const { sql, params } = internals.dialect.sqlToQuery(q);
      return conn.unsafe(sql, params, { prepare: true });
    };
    const sent = [
      conn.unsafe('begin', [], { prepare: true }),
      ...queries.map(send),
      conn.unsafe('commit', [], { prepare: true }),
      ...after.map(send),
    ];
    const settled = await Promise.allSettled(sent);
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    const rows = settled.map((r) => (r as PromiseFulfilledResult<unknown[]>).value);
    return [...rows.slice(1, queries.length + 1), ...rows.slice(queries.length + 2)];
  } finally {
    conn.release();
  }
}
