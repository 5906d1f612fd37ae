/**
 * Online evaluator benchmark (Postgres): runs finish at a steady RATE per second for SECONDS while this
 * process's evaluator job (a code evaluator, concurrency 4, batches of 32 per pass) scores them, as the server's would. Prints
 * how many were scored, the backlog (inbox + waiting evaluations) each second, and the job's drain
 * rate against a raw-SQL baseline writing the same scores with one insert each.
 *
 *   npx tsx --conditions=react-server bench/evaluators.ts   (BENCH_RATE=50 BENCH_SECONDS=20)
 *
 * Keeps up when the backlog does not grow: its last second is no larger than its first seconds'.
 */
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { Db } from '@/db/client';
import { runMigrations } from '@/db/migrate';
import * as schema from '@/db/schema';
import { createEvaluatorBody } from '@/lib/contract';
import { createEvaluator, defaultWorkerOptions, startEvaluatorJob } from '@/server/evaluators';
import { createProject } from '@/server/projects';
import { createRun } from '@/server/runs';
import { adminUrl, withDatabase } from '../scripts/lib/pg-url';

const RATE = Number(process.env.BENCH_RATE ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);

export async function main(): Promise<void> {
  const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `runledger_bench_evaluators_${Date.now().toString(36)}`;
  const admin = postgres(adminUrl(serverUrl), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = withDatabase(serverUrl, name);
  const raw = postgres(url, { max: 10, onnotice: () => {} });
  const db = drizzle(raw, { schema, casing: 'snake_case' }) as unknown as Db;
  try {
    await runMigrations({ db, driver: 'postgres', url, close: async () => {} });
    const project = await createProject(db, { slug: 'bench-evaluators' });
    const body = createEvaluatorBody.parse({
      name: 'has-answer',
      config: { type: 'regex', pattern: 'answer' },
      online: true,
    });
    await createEvaluator(db, project.id, body, null);
    const stop = startEvaluatorJob(() => db, {
      ...defaultWorkerOptions,
      workerId: 'bench',
      now: () => new Date(),
      concurrency: 4,
      everyMs: 200,
    });
    const backlog = async () => {
      const [row] = await raw<{ n: number }[]>`select
        (select count(*) from evaluation_inbox)::int + (select count(*) from evaluation_jobs
          where status in ('pending', 'running'))::int as n`;
      return row!.n;
    };
    const samples: number[] = [];
    const t0 = performance.now();
    let made = 0;
    while (performance.now() - t0 < SECONDS * 1000) {
      const due = Math.floor(((performance.now() - t0) / 1000) * RATE);
      for (; made < due; made++) {
        await createRun(db, project.id, {
          name: `run ${made}`,
          status: 'succeeded',
          output: 'the answer is 42',
        });
      }
      if (samples.length < Math.floor((performance.now() - t0) / 1000)) samples.push(await backlog());
      await new Promise((r) => setTimeout(r, 20));
    }
    const tEnd = performance.now();
    while ((await backlog()) > 0) await new Promise((r) => setTimeout(r, 50));
    const drainMs = performance.now() - tEnd;
    await stop();
    const [scored] = await raw<{ n: number }[]>`select count(*)::int as n from scores`;
    console.log(
      `runs finished: ${made} in ${SECONDS} s (${RATE}/s asked, ${(made / SECONDS).toFixed(1)}/s made)`,
    );
    console.log(
      `scored: ${scored!.n}; backlog per second: ${samples.join(' ')}; drained ${drainMs.toFixed(0)} ms after the last run`,
    );

    // Capacity: a backlog of N evaluations drained by the job, against raw inserts of the same scores.
    const n = 1000;
    const runIds: string[] = [];
    for (let i = 0; i < n; i++)
      runIds.push((await createRun(db, project.id, { name: `cap ${i}`, output: 'answer' })).run.id);
    await raw`delete from evaluation_inbox`;
    const [e] = await raw<{ id: string }[]>`select id from evaluators`;
    const c0 = performance.now();
    await raw`insert into evaluation_jobs (project_id, evaluator_id, run_id)
              select ${project.id}, ${e!.id}, unnest(${runIds}::uuid[])`;
    const stop2 = startEvaluatorJob(() => db, {
      ...defaultWorkerOptions,
      workerId: 'bench-capacity',
      now: () => new Date(),
      concurrency: 4,
      everyMs: 50,
    });
    while ((await backlog()) > 0) await new Promise((r) => setTimeout(r, 20));
    const jobRate = n / ((performance.now() - c0) / 1000);
    await stop2();
    const r0 = performance.now();
    for (const runId of runIds)
      await raw`insert into scores (id, project_id, run_id, name, data_type, value, source, author_id)
                values (${randomUUID()}, ${project.id}, ${runId}, 'raw', 'boolean', 1, 'evaluator', 'raw')`;
    const rawRate = n / ((performance.now() - r0) / 1000);
    console.log(
      `capacity: job ${jobRate.toFixed(0)} evaluations/s, raw insert ${rawRate.toFixed(0)} scores/s (ratio ${(jobRate / rawRate).toFixed(2)})`,
    );
    console.log(
      `load average: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} (${cpus().length} cores)`,
    );
  } finally {
    await raw.end();
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
