/**
 * Demo seed benchmark: how long seedDemo takes (the first start of an empty instance) on PGlite and on
 * the Postgres server, against a raw-SQL baseline that inserts the same number of runs and events
 * (one INSERT ... SELECT generate_series each) into the same database. A benchmark reports the figure
 * rather than a test asserting it: a timed test flakes on a loaded machine.
 *   npx tsx --conditions=react-server bench/seed.ts
 * BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) names the server; a fresh
 * database is created, migrated and dropped. BENCH_SEED_DRIVERS=pglite skips Postgres.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { connectPglite, connectPostgres, type DbConnection } from '@/db/client';
import { runMigrations } from '@/db/migrate';
import { queryRows } from '@/db/sql';
import { seedDemo } from '@/server/demo/seed';
import { createProject } from '@/server/projects';
import { adminUrl, withDatabase } from '../scripts/lib/pg-url';

async function measure(
  conn: DbConnection,
): Promise<{ seedMs: number; rawMs: number; runs: number; events: number }> {
  await runMigrations(conn);
  let t = performance.now();
  const seeded = await seedDemo(conn.db);
  const seedMs = performance.now() - t;
  if (!seeded) throw new Error('the demo project already had runs');
  const [counts] = await queryRows<{ runs: number; events: number }>(
    conn.db,
    sql`select (select count(*)::int from runs) as runs, (select count(*)::int from run_events) as events`,
  );
  const { runs, events } = counts!;
  const baseline = await createProject(conn.db, { slug: 'bench-seed-baseline' });
  t = performance.now();
  await conn.db.transaction(async (tx) => {
    await queryRows(
      tx,
      sql`insert into runs (project_id, name, status) select ${baseline.id}::uuid, 'run ' || i, 'succeeded'
          from generate_series(1, ${runs}::int) i`,
    );
    await queryRows(
      tx,
      sql`insert into run_events (project_id, run_id, run_created_at, seq, type, payload)
          select r.project_id, r.id, r.created_at, s, 'text-delta', jsonb_build_object('delta', 'word ' || s)
          from (select id, project_id, created_at, row_number() over () as n from runs
                where project_id = ${baseline.id}::uuid) r,
               generate_series(0, ceil(${events}::numeric / ${runs})::int - 1) s`,
    );
  });
  const rawMs = performance.now() - t;
  return { seedMs, rawMs, runs, events };
}

function report(driver: string, r: Awaited<ReturnType<typeof measure>>) {
  console.log(
    `${driver.padEnd(8)} seedDemo ${r.seedMs.toFixed(0).padStart(6)} ms (${r.runs} runs, ${r.events} events)` +
      `  raw insert ${r.rawMs.toFixed(0).padStart(5)} ms  ratio ${(r.seedMs / r.rawMs).toFixed(1)}x`,
  );
}

export async function main(): Promise<void> {
  const drivers = (process.env.BENCH_SEED_DRIVERS ?? 'pglite,postgres').split(',');
  if (drivers.includes('pglite')) {
    const dir = mkdtempSync(path.join(tmpdir(), 'runledger-bench-seed-'));
    const conn = connectPglite(dir);
    try {
      report('pglite', await measure(conn));
    } finally {
      await conn.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (drivers.includes('postgres')) {
    const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const name = `runledger_bench_seed_${Date.now().toString(36)}`;
    const admin = postgres(adminUrl(serverUrl), { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${name}"`);
    const conn = connectPostgres(withDatabase(serverUrl, name), 4);
    try {
      report('postgres', await measure(conn));
    } finally {
      await conn.close();
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
