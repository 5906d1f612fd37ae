/**
 * Quota benchmark: recordUsage (lock + expiry check + one conditional upsert of every window and the
 * ledger row, in a transaction) against the raw single-statement baseline
 * `UPDATE usage_counters SET used = used + n WHERE ... AND used + n <= limit RETURNING`, on one hot
 * subject and on 64 subjects, at concurrency 1, 16 and 64, on the Postgres server.
 *   npx tsx --conditions=react-server bench/quota.ts
 * BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) names the server; a fresh
 * database is created, migrated and dropped. BENCH_SECONDS sets the length of each case (default 2).
 * The ledger's rollups (usage_daily, usage_hourly) are upserted in the record statement itself (no
 * trigger to disable since migration 0031).
 */
import { pathToFileURL } from 'node:url';
import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import type { Db } from '@/db/client';
import * as schema from '@/db/schema';
import { runMigrations } from '@/db/migrate';
import { windowStart } from '@/lib/windows';
import { createProject } from '@/server/projects';
import { putQuota, recordUsage } from '@/server/usage';
import { adminUrl, withDatabase } from '../scripts/lib/pg-url';

type Result = { ops: number; opsPerSec: number; p50: number; p99: number };

async function runCase(concurrency: number, seconds: number, op: (worker: number) => Promise<unknown>) {
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (performance.now() < deadline) {
        const t = performance.now();
        await op(worker);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
  return { ops: latencies.length, opsPerSec: latencies.length / elapsed, p50: pct(0.5), p99: pct(0.99) };
}

export async function main(): Promise<void> {
  const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const seconds = Number(process.env.BENCH_SECONDS ?? 2);
  const name = `runledger_bench_quota_${Date.now().toString(36)}`;
  const admin = postgres(adminUrl(serverUrl), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = withDatabase(serverUrl, name);
  // One pool of 64 for both sides (the server's max_connections is shared), so they compete equally.
  const raw = postgres(url, { max: 64, onnotice: () => {} });
  const conn = { db: drizzle(raw, { schema, casing: 'snake_case' }) as unknown as Db };
  try {
    await runMigrations({ db: conn.db, driver: 'postgres', url, close: async () => {} });
    const project = await createProject(conn.db, { slug: 'bench-quota' });
    const big = 1_000_000_000_000;
    await putQuota(conn.db, project.id, { subject: '*', metric: 'tokens', window: 'minute', limit: big });
    await putQuota(conn.db, project.id, { subject: '*', metric: 'tokens', window: 'day', limit: big });
    // The baseline's counters: the day window of every subject, created up front.
    const dayStart = windowStart('day', new Date()).toISOString();
    const subjects = Array.from({ length: 64 }, (_, i) => `s${i}`);
    for (const s of ['hot', ...subjects]) {
      await raw`insert into usage_counters (project_id, subject, metric, period, window_start, used)
                values (${project.id}, ${`raw-${s}`}, 'tokens', 'day', ${dayStart}, 0)`;
    }
    const rawOp = (subject: string) =>
      raw`update usage_counters set used = used + 1
          where project_id = ${project.id} and subject = ${`raw-${subject}`} and metric = 'tokens'
            and period = 'day' and window_start = ${dayStart} and used + 1 <= ${big}
          returning used`;
    const recordOp = (subject: string) =>
      recordUsage(conn.db, project.id, { subject, metric: 'tokens', amount: 1 });

    // Warm both pools and plans.
    await runCase(64, 0.5, (w) => recordOp(subjects[w]!));
    await runCase(64, 0.5, (w) => rawOp(subjects[w]!));

    const rows: { case: string; c: number; rec: Result; base: Result }[] = [];
    for (const spread of ['hot', '64 subjects'] as const) {
      for (const c of [1, 16, 64]) {
        const pick = (w: number) => (spread === 'hot' ? 'hot' : subjects[w % 64]!);
        const rec = await runCase(c, seconds, (w) => recordOp(pick(w)));
        const base = await runCase(c, seconds, (w) => rawOp(pick(w)));
        rows.push({ case: spread, c, rec, base });
      }
    }
    const f = (n: number, d = 1) => n.toFixed(d).padStart(8);
    console.log(
      `\nrecordUsage (minute + day hard quotas) vs raw conditional UPDATE, ${seconds}s per case, latency in ms\n`,
    );
    console.log(
      'case          conc | rec ops/s   p50      p99   | raw ops/s   p50      p99   | ops ratio  p50 ratio  p99 ratio',
    );
    for (const r of rows) {
      console.log(
        `${r.case.padEnd(12)} ${String(r.c).padStart(5)} |${f(r.rec.opsPerSec, 0)} ${f(r.rec.p50, 2)} ${f(r.rec.p99, 2)} |` +
          `${f(r.base.opsPerSec, 0)} ${f(r.base.p50, 2)} ${f(r.base.p99, 2)} |` +
          `${f(r.base.opsPerSec / r.rec.opsPerSec, 2)}x ${f(r.rec.p50 / r.base.p50, 2)}x ${f(r.rec.p99 / r.base.p99, 2)}x`,
      );
    }
    console.log(
      '\nops ratio = raw ops/s / recordUsage ops/s; latency ratios = recordUsage / raw (target p50 <= 2x)',
    );
  } finally {
    await raw.end({ timeout: 5 });
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
