/**
 * Alerts benchmark, on the Postgres server:
 * 1. The quota path with its outbox write against the same statement without it: recordUsage's
 *    one-statement path (lock, conditional upsert of every window, ledger row; with a soft and a hard
 *    quota watching, so the soft-crossing insert is planned and evaluated on every write), at
 *    concurrency 1 and 16 over 64 subjects, rounds alternating A and B. Target: ratio <= 1.1.
 * 2. One evaluation tick of 100 monitors over a project with 1M runs and 2M ledger rows against a
 *    raw-SQL baseline (bench/alerts-monitors.ts). Target: < 500 ms.
 * 3. Deliveries per second from the outbox to a loopback receiver (one delivery job, concurrency 64)
 *    against plain POSTs to it. Target: >= 200/s.
 *   npm run bench -- alerts
 * BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres); a fresh database is
 * created, migrated and dropped. BENCH_SECONDS: length of each round (default 2). BENCH_ALERTS: the parts
 * to run, comma separated (quota, monitors, deliveries; default all).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { Db } from '@/db/client';
import { runMigrations } from '@/db/migrate';
import * as schema from '@/db/schema';
import { queryRowsPrepared } from '@/db/sql';
import { env } from '@/lib/env';
import { enqueueAlertEvent } from '@/server/alerts/outbox';
import { createProject } from '@/server/projects';
import { putQuota } from '@/server/usage';
import { applySql, parseApply } from '@/server/usage/counters';
import { createDestination, defaultDeliveryOptions, runDeliveryPass } from '@/server/webhooks';
import { adminUrl, withDatabase } from '../scripts/lib/pg-url';
import { benchMonitorTick } from './alerts-monitors';

async function rate(concurrency: number, seconds: number, op: (w: number) => Promise<unknown>) {
  let ops = 0;
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      while (performance.now() < deadline) {
        await op(w);
        ops++;
      }
    }),
  );
  return ops / ((performance.now() - t0) / 1000);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function main(): Promise<void> {
  const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const seconds = Number(process.env.BENCH_SECONDS ?? 2);
  const name = `runledger_bench_alerts_${Date.now().toString(36)}`;
  const admin = postgres(adminUrl(serverUrl), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = withDatabase(serverUrl, name);
  const raw = postgres(url, { max: 40, onnotice: () => {} });
  const db = drizzle(raw, { schema, casing: 'snake_case' }) as unknown as Db;
  const receiver = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200).end());
  });
  try {
    console.log(
      `load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
    await runMigrations({ db, driver: 'postgres', url, close: async () => {} });
    const parts = (process.env.BENCH_ALERTS ?? 'quota,monitors,deliveries').split(',');
    const project = await createProject(db, { slug: 'bench-alerts' });
    if (parts.includes('monitors')) {
      const monitored = await createProject(db, { slug: 'bench-monitors' });
      await benchMonitorTick(db, raw, monitored.id);
    }
    const big = 1_000_000_000_000;
    await putQuota(db, project.id, { subject: '*', metric: 'tokens', window: 'minute', limit: big });
    await putQuota(db, project.id, {
      subject: '*',
      metric: 'tokens',
      window: 'day',
      limit: big,
      mode: 'soft',
    });
    const subjects = Array.from({ length: 64 }, (_, i) => `s${i}`);
    const op = (alerts: boolean) => (w: number) =>
      parseApply(
        queryRowsPrepared(
          db,
          applySql(
            { projectId: project.id, subject: subjects[w % 64]!, metric: 'tokens' },
            1,
            new Date(),
            { kind: 'ledger', occurredAt: new Date() },
            false,
            true,
            alerts,
          ),
        ),
      );
    for (const concurrency of parts.includes('quota') ? [1, 16] : []) {
      await rate(concurrency, 0.5, op(true));
      await rate(concurrency, 0.5, op(false));
      const withOutbox: number[] = [];
      const without: number[] = [];
      for (let round = 0; round < 3; round++) {
        without.push(await rate(concurrency, seconds, op(false)));
        withOutbox.push(await rate(concurrency, seconds, op(true)));
      }
      const a = median(withOutbox);
      const b = median(without);
      console.log(
        `quota path, concurrency ${concurrency}: ${a.toFixed(0)} writes/s with the outbox, ${b.toFixed(0)} without: ratio ${(b / a).toFixed(3)} (cost with / without)`,
      );
    }

    // Deliveries per second to a loopback receiver.
    if (!parts.includes('deliveries')) return;
    Object.assign(env(), { RUNLEDGER_WEBHOOK_ALLOW_PRIVATE: '1' });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const port = (receiver.address() as AddressInfo).port;
    await createDestination(
      db,
      project.id,
      { url: `http://127.0.0.1:${port}/hook`, format: 'standard' },
      null,
    );
    const n = 2_000;
    for (let i = 0; i < n; i++)
      await enqueueAlertEvent(db, { projectId: project.id, type: 'test', data: { i } });
    const opts = { ...defaultDeliveryOptions, concurrency: 64, workerId: 'bench', now: () => new Date() };
    const t0 = performance.now();
    let delivered = 0;
    while (delivered < n) {
      const pass = await runDeliveryPass(db, opts);
      delivered += pass.outcomes.delivered;
      if (pass.claimed === 0 && pass.dispatched === 0) break;
    }
    const s = (performance.now() - t0) / 1000;
    // Baseline: as many POSTs of the same size straight to the receiver, 64 at a time.
    const body = JSON.stringify({ type: 'test', timestamp: new Date().toISOString(), data: { i: 0 } });
    const t1 = performance.now();
    let sent = 0;
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (sent < n) {
          sent++;
          await new Promise<void>((resolve, reject) => {
            const req = http.request({ host: '127.0.0.1', port, path: '/hook', method: 'POST' }, (res) => {
              res.resume();
              res.on('end', resolve);
            });
            req.on('error', reject);
            req.end(body);
          });
        }
      }),
    );
    const rawRate = n / ((performance.now() - t1) / 1000);
    console.log(
      `deliveries: ${delivered} of ${n} in ${s.toFixed(2)} s: ${(delivered / s).toFixed(0)}/s (concurrency 64); plain POSTs ${rawRate.toFixed(0)}/s: ratio ${(rawRate / (delivered / s)).toFixed(2)}`,
    );
    console.log(
      `load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
  } finally {
    receiver.close();
    await raw.end();
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}
