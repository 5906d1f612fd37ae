/**
 * Background jobs shared by several server processes on one PostgreSQL database: two processes run
 * the server's job loop (startJobs, exactly what a server's startup starts; the HTTP side plays no
 * part in the leases) against one database, with short leases. Each unit of work (the retention pass,
 * the check of run_events' months ahead, a price recompute, a replay checkpoint fold) is done once; a
 * process killed (-9) mid-pass loses its lease and the other one finishes the pass. Postgres-only: PGlite has one process by design.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbConnection } from '@/db/client';
import { queryRows } from '@/db/sql';
import { createRecomputeJob } from '@/server/prices';
import { putRetention } from '@/server/retention';
import { freshPostgresDatabase } from '../helpers/db';
import { makeProject, makeRun } from '../helpers/fixtures';
import { waitFor } from '../helpers/ingest';

type Worker = { proc: ChildProcess; out: string[]; holder: string; exited: Promise<void> };

function startWorker(url: string, opts: object): Promise<Worker> {
  const proc = spawn(
    process.execPath,
    [
      '--conditions=react-server',
      '--import',
      'tsx',
      'tests/helpers/job-worker.ts',
      url,
      JSON.stringify(opts),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const out: string[] = [];
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  return new Promise((resolve, reject) => {
    let buf = '';
    proc.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const line of lines) {
        out.push(line);
        if (line.startsWith('ready ')) resolve({ proc, out, holder: line.slice(6), exited });
      }
    });
    proc.once('exit', (code) => reject(new Error(`job worker exited (${code}) before it started`)));
  });
}

const OLD_RUNS = 300;

describe('background jobs on two processes [one PostgreSQL database]', () => {
  let created: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  let conn: DbConnection;
  const workers: Worker[] = [];

  beforeAll(async () => {
    created = await freshPostgresDatabase();
    conn = created.connect(4);
  });
  afterAll(async () => {
    for (const w of workers) w.proc.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    await conn?.close();
    await created?.drop();
  });

  it('does each unit once, and a process killed mid-pass has its pass finished by the other', async () => {
    const db = conn.db;
    // Retention: a project whose runs expire after a day, with OLD_RUNS runs three days old.
    const p = await makeProject(db, 'jobs');
    await putRetention(db, p.id, { runDays: 1, usageDays: 400 });
    await db.execute(sql`insert into runs (project_id, name, created_at)
      select ${p.id}::uuid, 'old ' || g, now() - interval '3 days' from generate_series(1, ${OLD_RUNS}) g`);
    const kept = await makeRun(db, p.id);
    // A price recompute nobody runs yet (its process stopped before it started).
    const job = await createRecomputeJob(db, p.id, { from: '2026-01-01', to: '2026-12-31' });
    // A run of 2,500 events whose fold's process stopped: its lease ran out.
    const long = await makeRun(db, p.id);
    await db.execute(sql`insert into run_events (project_id, run_id, run_created_at, seq, type, payload)
      select ${p.id}::uuid, ${long.id}::uuid, ${long.createdAt.toISOString()}::timestamptz, g, 'log', jsonb_build_object('message', 'line ' || g)
      from generate_series(0, 2499) g`);
    await db.execute(sql`insert into job_leases (name, holder, lease_until, acquired_at)
      values (${`checkpoints:${p.id}:${long.id}`}, 'gone:1:x', now() - interval '1 minute', now() - interval '2 minutes')`);

    const opts = {
      ttlMs: 1500,
      checkEveryMs: 100,
      retentionEveryMs: 3_600_000,
      // A slow pass (15 batches, a pause after each), so that a process can be killed in the middle.
      retentionPauseMs: 300,
      retentionBatchSize: 20,
    };
    workers.push(...(await Promise.all([startWorker(created.url, opts), startWorker(created.url, opts)])));
    const count = async (q: ReturnType<typeof sql>) => Number((await queryRows<{ n: number }>(db, q))[0]!.n);
    const oldLeft = () =>
      count(sql`select count(*) as n from runs where project_id = ${p.id}::uuid and name like 'old %'`);

    await waitFor('a retention pass under way', async () => (await oldLeft()) < OLD_RUNS);
    const [lease] = await queryRows<{ holder: string }>(
      db,
      sql`select holder from job_leases where name = 'retention'`,
    );
    expect(await oldLeft()).toBeGreaterThan(0);
    const killed = workers.find((w) => w.holder === lease!.holder)!;
    const survivor = workers.find((w) => w !== killed)!;
    killed.proc.kill('SIGKILL');
    await killed.exited;

    // The other process takes the pass over once the lease runs out, and finishes it; the other units
    // are done too (by either process, or resumed by the survivor if the killed one had them).
    await waitFor('the recompute and the fold', async () => {
      const status = await count(
        sql`select count(*) as n from cost_recompute_jobs where id = ${job.id}::uuid and status = 'done'`,
      );
      const folds = await count(
        sql`select count(*) as n from run_transcript_checkpoints where run_id = ${long.id}::uuid`,
      );
      return status === 1 && folds === 2;
    });
    await waitFor('the retention pass finished', async () => {
      const [row] = await queryRows<{ holder: string; passes: number }>(
        db,
        sql`select holder, passes from job_leases where name = 'retention'`,
      );
      return row?.holder === survivor.holder && row.passes === 1;
    });
    expect(await oldLeft()).toBe(0);
    expect(await count(sql`select count(*) as n from runs where id = ${kept.id}::uuid`)).toBe(1);
    // Held until the next pass is due, an hour after this one started: no process repeats it.
    const [held] = await queryRows<{ minutes: number }>(
      db,
      sql`select extract(epoch from lease_until - now()) / 60 as minutes from job_leases where name = 'retention'`,
    );
    expect(Number(held!.minutes)).toBeGreaterThan(55);

    const done = [...killed.out, ...survivor.out].filter((l) => l.startsWith('done '));
    expect(done.filter((l) => l === 'done retention')).toEqual(['done retention']);
    expect(survivor.out).toContain('done retention');
    expect(done.filter((l) => l === `done recompute:${job.id}`)).toHaveLength(1);
    expect(done.filter((l) => l === `done checkpoints:${p.id}:${long.id}`)).toHaveLength(1);
    // The partition check is due every 6 hours: both processes checked all along, one ran it.
    expect(done.filter((l) => l === 'done partitions')).toEqual(['done partitions']);
    // One-off units leave no lease behind.
    expect(
      await count(sql`select count(*) as n from job_leases where name not in ('retention', 'partitions')`),
    ).toBe(0);
  });
});
