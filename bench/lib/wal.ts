import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
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

/**
 * WAL bytes between two LSNs of the records that touch the current database's pages (their block
 * references name its oid), read with pg_waldump from the server's pg_wal: on a shared server, what
 * the bench's own statements wrote, without other databases' (commit records, which name no block,
 * are left out: a few dozen bytes a transaction). Needs the server on this machine with its data
 * directory readable, and the WAL kept (keepWal); null otherwise.
 */
export async function databaseWalBytes(sql: postgres.Sql, from: string, to: string): Promise<number | null> {
  const [s] = await sql<{ oid: string; dir: string; major: string }[]>`
    select (select oid::text from pg_database where datname = current_database()) as oid,
      current_setting('data_directory') as dir, (current_setting('server_version_num')::int / 10000)::text as major`;
  const bin = `/usr/lib/postgresql/${s!.major}/bin/pg_waldump`;
  if (!existsSync(bin) || !existsSync(`${s!.dir}/pg_wal`)) return null;
  const dump = spawn(bin, ['-p', `${s!.dir}/pg_wal`, '-s', from, '-e', to], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const ours = new RegExp(` rel \\d+/${s!.oid}/`);
  let bytes = 0;
  let records = 0;
  for await (const line of createInterface({ input: dump.stdout })) {
    records++;
    if (ours.test(line)) bytes += Number(/len \(rec\/tot\):\s*\d+\/\s*(\d+)/.exec(line)?.[1] ?? 0);
  }
  return records > 0 ? bytes : null;
}

/** Keeps the server's WAL from now while `sql`'s session lasts (a temporary replication slot). */
export const keepWal = (sql: postgres.Sql) =>
  sql`select pg_create_physical_replication_slot(${`bench_wal_${process.pid}`}, true, true)`;
