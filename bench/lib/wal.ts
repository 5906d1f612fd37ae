import type postgres from 'postgres';

/** The server's current WAL position (pg_current_wal_lsn): WAL of every database on it. */
export const walLsn = async (sql: postgres.Sql) =>
  (await sql<{ l: string }[]>`select pg_current_wal_lsn()::text as l`)[0]!.l;

/** WAL bytes the server wrote since `from` (a walLsn). */
export const walBytesSince = async (sql: postgres.Sql, from: string) =>
  Number(
    (await sql<{ b: string }[]>`select pg_wal_lsn_diff(pg_current_wal_lsn(), ${from}::pg_lsn)::text as b`)[0]!
      .b,
  );
