import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { connectPglite, connectPostgres, type DbConnection } from '@/db/client';
import { runMigrations } from '@/db/migrate';
import { createApiKey } from '@/server/api-keys';
import { createProject } from '@/server/projects';
import { startBuiltApp } from '../../scripts/lib/built-app';
import { migrationsBefore } from '../../scripts/lib/migrations-before';
import { adminUrl, withDatabase } from '../../scripts/lib/pg-url';

/** The Postgres server benches use: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local default. */
export function benchServerUrl(): string {
  return (
    process.env.BENCH_DATABASE_URL ||
    process.env.TEST_DATABASE_URL ||
    'postgres://postgres@127.0.0.1:5432/postgres'
  );
}

/** A fresh, migrated database on the Postgres server; `drop` removes it. */
export async function freshBenchDatabase(label: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const server = benchServerUrl();
  const name = `runledger_bench_${label}_${process.pid}_${Date.now().toString(36)}`;
  const admin = postgres(adminUrl(server), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = withDatabase(server, name);
  const conn = connectPostgres(url, 1);
  await runMigrations(conn);
  await conn.close();
  return {
    url,
    drop: async () => {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

/**
 * A fresh database on `server` at the migrations before `beforeTag` (the schema an upgrade starts
 * from), with a postgres.js handle and an app connection; `close` ends both and drops it.
 */
export async function olderBenchDatabase(server: string, label: string, beforeTag: string) {
  const name = `runledger_bench_${label}_${process.pid}_${Date.now().toString(36)}`;
  const admin = postgres(adminUrl(server), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = withDatabase(server, name);
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const conn = connectPostgres(url, 2);
  const folder = migrationsBefore(beforeTag);
  const close = async () => {
    rmSync(folder, { recursive: true, force: true });
    await sql.end({ timeout: 5 });
    await conn.close();
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  };
  try {
    await migrate(drizzle(sql), { migrationsFolder: folder });
  } catch (err) {
    await close();
    throw err;
  }
  return { url, sql, conn, close };
}

export type BenchServer = {
  driver: 'pglite' | 'postgres';
  baseUrl: string;
  key: string;
  /** The slug of the bench's project: its dashboard pages are `/p/<slug>/…`. */
  projectSlug: string;
  /** The server's process id (benches read its memory from /proc). */
  pid: number;
  /** The database URL (Postgres only). */
  databaseUrl?: string;
  stop: () => Promise<void>;
};

async function seedProject(conn: DbConnection): Promise<{ key: string; slug: string }> {
  const project = await createProject(conn.db, { slug: `bench-${Math.random().toString(36).slice(2, 8)}` });
  return { key: (await createApiKey(conn.db, project.id, 'bench')).key, slug: project.slug };
}

/**
 * Starts the BUILT app (`next start`; run `npx next build` first) on a fresh database: a new Postgres
 * database (dropped by `stop`) or a PGlite folder in tmp (removed by `stop`), with one project and key.
 */
export async function startBenchServer(
  driver: 'pglite' | 'postgres',
  extraEnv: Record<string, string> = {},
  nodeArgs: string[] = [],
): Promise<BenchServer> {
  let dataDir: string | undefined;
  let databaseUrl: string | undefined;
  let drop: (() => Promise<void>) | undefined;
  let seeded: { key: string; slug: string };
  if (driver === 'pglite') {
    dataDir = mkdtempSync(path.join(tmpdir(), 'runledger-bench-'));
    const conn = connectPglite(dataDir);
    await runMigrations(conn);
    seeded = await seedProject(conn);
    await conn.close();
  } else {
    const db = await freshBenchDatabase('api');
    databaseUrl = db.url;
    drop = db.drop;
    const conn = connectPostgres(databaseUrl, 1);
    seeded = await seedProject(conn);
    await conn.close();
  }

  const app = await startBuiltApp({
    purpose: 'The bench',
    // e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server under load.
    nodeArgs: [...nodeArgs, ...(process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [])],
    env: {
      RUNLEDGER_ADMIN_PASSWORD: 'bench-admin-password',
      RUNLEDGER_DATA_DIR: dataDir ?? '',
      DATABASE_URL: databaseUrl ?? '',
      ...extraEnv,
    },
    cleanup: async () => {
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      await drop?.();
    },
  });
  return {
    driver,
    baseUrl: app.baseUrl,
    key: seeded.key,
    projectSlug: seeded.slug,
    pid: app.pid,
    databaseUrl,
    stop: app.stop,
  };
}
