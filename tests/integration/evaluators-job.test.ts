import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import type { Db } from '@/db/client';
import { evaluationJobs, scores } from '@/db/schema';
import type { CreateEvaluatorInput, EvaluatorConfigInput } from '@/lib/contract';
import { createEvaluatorBody } from '@/lib/contract';
import {
  claimJobs,
  createEvaluator,
  defaultWorkerOptions,
  enqueueDatasetRun,
  enqueueRuns,
  processJob,
  releaseJobs,
  runEvaluationPass,
  sampled,
  type WorkerOptions,
} from '@/server/evaluators';
import { isAppError } from '@/server/errors';
import { purgeExpired, putRetention } from '@/server/retention';
import { addResults, updateRun } from '@/server/runs';
import { putScoreConfig } from '@/server/scores';
import { describeEachDb } from '../helpers/db';
import { makeProject, makeRun } from '../helpers/fixtures';

const T0 = new Date('2026-11-20T10:00:00.000Z');

function worker(clock: { now: Date }, over: Partial<WorkerOptions> = {}): WorkerOptions {
  return {
    ...defaultWorkerOptions,
    workerId: `w-${randomUUID().slice(0, 6)}`,
    now: () => clock.now,
    concurrency: 8,
    ...over,
  };
}

async function evaluator(
  db: Db,
  projectId: string,
  config: EvaluatorConfigInput,
  over: Partial<Omit<CreateEvaluatorInput, 'config'>> = {},
) {
  return createEvaluator(db, projectId, createEvaluatorBody.parse({ name: 'check', config, ...over }), null);
}

/** Passes until no evaluation is due at the clock's time. */
async function drain(db: Db, opts: WorkerOptions) {
  let total = 0;
  for (let i = 0; i < 100; i++) {
    const s = await runEvaluationPass(db, opts);
    total += s.claimed;
    if (s.claimed === 0 && s.inbox === 0) return total;
  }
  throw new Error('the queue did not drain');
}

const scoresOf = (db: Db, evaluatorId: string) =>
  db.select().from(scores).where(eq(scores.authorId, evaluatorId));
const jobsOf = (db: Db, evaluatorId: string) =>
  db.select().from(evaluationJobs).where(eq(evaluationJobs.evaluatorId, evaluatorId));

describeEachDb('evaluator job', ({ db }) => {
  // The database's first query waits for its restore: under the hook's timeout, not a test's.
  beforeAll(async () => {
    await makeProject(db());
  });

  it('scores finished runs matching an online filter, once, whatever way they finished', async () => {
    const p = await makeProject(db());
    const e = await evaluator(
      db(),
      p.id,
      { type: 'contains' },
      {
        name: 'mentions-paris',
        online: true,
        filter: { kinds: ['chat'], tags: ['prod'] },
      },
    );
    const meta = { groundTruth: 'Paris' };
    const hit = await makeRun(db(), p.id, {
      status: 'succeeded',
      tags: ['prod'],
      output: 'Paris!',
      metadata: meta,
    });
    const miss = await makeRun(db(), p.id, {
      status: 'succeeded',
      tags: ['prod'],
      output: 'Lyon',
      metadata: meta,
    });
    const untagged = await makeRun(db(), p.id, { status: 'succeeded', output: 'Paris', metadata: meta });
    const running = await makeRun(db(), p.id, { tags: ['prod'], output: 'in Paris', metadata: meta });
    const clock = { now: T0 };
    expect(await drain(db(), worker(clock))).toBe(2);
    await updateRun(db(), p.id, running.id, { status: 'failed' });
    expect(await drain(db(), worker(clock))).toBe(1);
    // Finishing is a one-way change: nothing queues it again.
    expect(await drain(db(), worker(clock))).toBe(0);
    const byRun = new Map((await scoresOf(db(), e.id)).map((s) => [s.runId, s]));
    expect(byRun.size).toBe(3);
    expect(byRun.get(hit.id)).toMatchObject({
      name: 'mentions-paris',
      value: 1,
      source: 'evaluator',
      dataType: 'boolean',
    });
    expect(byRun.get(miss.id)?.value).toBe(0);
    expect(byRun.get(running.id)?.value).toBe(1);
    expect(byRun.has(untagged.id)).toBe(false);
    const jobs = await jobsOf(db(), e.id);
    expect(jobs.every((j) => j.status === 'done' && j.attempts === 1 && j.scoreId)).toBe(true);
  });

  it('samples online runs by a stable hash of evaluator and run', async () => {
    const p = await makeProject(db());
    const e = await evaluator(db(), p.id, { type: 'json_valid' }, { online: true, sampleRate: 0.5 });
    const runs = [];
    for (let i = 0; i < 40; i++) runs.push(await makeRun(db(), p.id, { status: 'succeeded', output: '{}' }));
    await drain(db(), worker({ now: T0 }));
    const scored = new Set((await scoresOf(db(), e.id)).map((s) => s.runId));
    const expected = runs.filter((r) => sampled(e.id, r.id, 0.5)).map((r) => r.id);
    expect([...scored].sort()).toEqual(expected.sort());
    expect(expected.length).toBeGreaterThan(5);
    expect(expected.length).toBeLessThan(35);
  });

  it('scores every result of a dataset run, and a selection of runs on demand', async () => {
    const p = await makeProject(db());
    const e = await evaluator(db(), p.id, { type: 'exact_match' });
    const ds = await makeRun(db(), p.id, { kind: 'dataset' });
    const at = T0.toISOString();
    const item = (itemId: string, output: string) => ({
      itemId,
      input: itemId,
      output,
      groundTruth: 'yes',
      latencyMs: 5,
      startedAt: at,
      completedAt: at,
    });
    await addResults(db(), p.id, ds.id, [item('a', 'yes'), item('b', 'no'), item('c', 'yes')]);
    expect(await enqueueDatasetRun(db(), p.id, e.id, ds.id, null, T0)).toEqual({
      queued: 3,
      alreadyQueued: 0,
    });
    expect(await enqueueDatasetRun(db(), p.id, e.id, ds.id, null, T0)).toEqual({
      queued: 0,
      alreadyQueued: 3,
    });
    await drain(db(), worker({ now: T0 }));
    const results = await scoresOf(db(), e.id);
    expect(results.map((s) => s.value).sort()).toEqual([0, 1, 1]);
    expect(results.every((s) => s.runId === ds.id && s.resultId)).toBe(true);

    const other = await makeProject(db());
    const theirs = await makeRun(db(), other.id, { status: 'succeeded' });
    const mine = await makeRun(db(), p.id, {
      status: 'succeeded',
      output: 'yes',
      metadata: { groundTruth: 'yes' },
    });
    const refused = await enqueueRuns(db(), p.id, e.id, [mine.id, theirs.id], null, T0).catch((err) => err);
    expect(isAppError(refused) && refused.code).toBe('not_found');
    expect(await jobsOf(db(), e.id)).toHaveLength(3);
    expect(await enqueueRuns(db(), p.id, e.id, [mine.id, mine.id], null, T0)).toEqual({
      queued: 1,
      alreadyQueued: 0,
    });
    await drain(db(), worker({ now: T0 }));
    const [s] = await db()
      .select()
      .from(scores)
      .where(and(eq(scores.runId, mine.id), eq(scores.authorId, e.id)));
    expect(s?.value).toBe(1);
  });

  it('keeps a daily budget of attempts, and queues skipped targets again on demand', async () => {
    const p = await makeProject(db());
    const e = await evaluator(db(), p.id, { type: 'json_valid' }, { dailyBudget: 2 });
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await makeRun(db(), p.id, { status: 'succeeded', output: '[]' }));
    const ids = runs.map((r) => r.id);
    await enqueueRuns(db(), p.id, e.id, ids, null, T0);
    await drain(db(), worker({ now: T0 }));
    let jobs = await jobsOf(db(), e.id);
    expect(jobs.map((j) => j.status).sort()).toEqual(['done', 'done', 'skipped']);
    expect(jobs.find((j) => j.status === 'skipped')?.lastError).toMatch(/daily budget of 2/);
    // The next UTC day has a fresh budget; done targets are not evaluated again.
    const tomorrow = new Date(T0.getTime() + 86_400_000);
    expect(await enqueueRuns(db(), p.id, e.id, ids, null, tomorrow)).toEqual({ queued: 1, alreadyQueued: 2 });
    await drain(db(), worker({ now: tomorrow }));
    jobs = await jobsOf(db(), e.id);
    expect(jobs.map((j) => j.status)).toEqual(['done', 'done', 'done']);
    expect(await scoresOf(db(), e.id)).toHaveLength(3);
  });

  it('records an error retrying cannot fix and writes no score', async () => {
    const p = await makeProject(db());
    // A categorical config of the same name refuses the evaluator's boolean.
    await putScoreConfig(
      db(),
      p.id,
      { name: 'check', type: 'categorical', categories: ['good', 'bad'] },
      null,
    );
    const e = await evaluator(db(), p.id, { type: 'json_valid' });
    const run = await makeRun(db(), p.id, { status: 'succeeded', output: '{}' });
    await enqueueRuns(db(), p.id, e.id, [run.id], null, T0);
    await drain(db(), worker({ now: T0 }));
    const [job] = await jobsOf(db(), e.id);
    expect(job).toMatchObject({ status: 'failed', attempts: 1, scoreId: null });
    expect(job?.lastError).toBeTruthy();
    expect(await scoresOf(db(), e.id)).toHaveLength(0);
  });

  it('takes a job back after its lease runs out; the worker that lost it writes nothing', async () => {
    const p = await makeProject(db());
    const e = await evaluator(db(), p.id, { type: 'json_valid' });
    const run = await makeRun(db(), p.id, { status: 'succeeded', output: '{}' });
    await enqueueRuns(db(), p.id, e.id, [run.id], null, T0);
    const clock = { now: T0 };
    const a = worker(clock, { leaseMs: 60_000 });
    const b = worker(clock, { leaseMs: 60_000 });
    const [leased] = await claimJobs(db(), a.workerId, T0, 10, a.leaseMs);
    expect(leased).toBeDefined();
    // While A holds the lease, B gets nothing, however often it asks.
    expect(await claimJobs(db(), b.workerId, T0, 10, b.leaseMs)).toEqual([]);
    clock.now = new Date(T0.getTime() + 60_001);
    expect(await drain(db(), b)).toBe(1);
    expect(await processJob(db(), leased!, a)).toBe('lost');
    const [job] = await jobsOf(db(), e.id);
    expect(job).toMatchObject({ status: 'done', attempts: 2 });
    expect(await scoresOf(db(), e.id)).toHaveLength(1);
  });

  it('a pass over several projects writes each one’s outcomes; unstarted evaluations go back, project by project', async () => {
    const projects = [await makeProject(db()), await makeProject(db())];
    const evals = [];
    for (const p of projects) {
      const e = await evaluator(db(), p.id, { type: 'json_valid' });
      const runs = [];
      for (let i = 0; i < 3; i++)
        runs.push((await makeRun(db(), p.id, { status: 'succeeded', output: '{}' })).id);
      await enqueueRuns(db(), p.id, e.id, runs, null, T0);
      evals.push(e);
    }
    const clock = { now: T0 };
    // One pass takes both projects' evaluations and writes them (one lock, upsert and update per project).
    const s = await runEvaluationPass(db(), worker(clock, { batchSize: 6 }));
    expect(s.claimed).toBe(6);
    expect(s.outcomes.done).toBe(6);
    for (const e of evals) {
      expect((await jobsOf(db(), e.id)).map((j) => j.status)).toEqual(['done', 'done', 'done']);
      expect(await scoresOf(db(), e.id)).toHaveLength(3);
    }
    // Leased and not started: back to the queue in each project, attempt uncounted; another worker's
    // lease is left alone.
    const more = [];
    for (const [i, p] of projects.entries()) {
      const run = await makeRun(db(), p.id, { status: 'succeeded', output: '{}' });
      await enqueueRuns(db(), p.id, evals[i]!.id, [run.id], null, T0);
      more.push(run.id);
    }
    const a = worker(clock);
    const leased = await claimJobs(db(), a.workerId, T0, 10, a.leaseMs);
    expect(new Set(leased.map((j) => j.project_id))).toEqual(new Set(projects.map((p) => p.id)));
    await releaseJobs(db(), leased, worker(clock));
    for (const e of evals)
      expect((await jobsOf(db(), e.id)).filter((j) => j.status === 'running')).toHaveLength(1);
    await releaseJobs(db(), leased, a);
    for (const e of evals) {
      const back = (await jobsOf(db(), e.id)).filter((j) => j.status !== 'done');
      expect(back).toMatchObject([{ status: 'pending', attempts: 0, leasedBy: null }]);
    }
    // Due now: the next pass takes them.
    expect(await drain(db(), worker(clock))).toBe(2);
  });

  it('two workers on one database score each run exactly once', async () => {
    const p = await makeProject(db());
    const e = await evaluator(db(), p.id, { type: 'regex', pattern: 'ok' }, { online: true });
    const n = 60;
    for (let i = 0; i < n; i++)
      await makeRun(db(), p.id, { status: 'succeeded', output: i % 2 ? 'ok' : 'no' });
    const clock = { now: T0 };
    const [a, b] = await Promise.all([
      drain(db(), worker(clock, { concurrency: 4 })),
      drain(db(), worker(clock, { concurrency: 4 })),
    ]);
    expect(a + b).toBe(n);
    const jobs = await jobsOf(db(), e.id);
    expect(jobs).toHaveLength(n);
    expect(jobs.every((j) => j.status === 'done' && j.attempts === 1)).toBe(true);
    const written = await scoresOf(db(), e.id);
    expect(written).toHaveLength(n);
    expect(new Set(written.map((s) => s.runId)).size).toBe(n);
  });

  it('retention removes a run’s evaluations in batches with it', async () => {
    const p = await makeProject(db());
    await putRetention(db(), p.id, { runDays: 30, usageDays: 400 });
    const e = await evaluator(db(), p.id, { type: 'json_valid' });
    const ds = await makeRun(db(), p.id, { kind: 'dataset', status: 'succeeded' });
    const at = T0.toISOString();
    await addResults(
      db(),
      p.id,
      ds.id,
      Array.from({ length: 12 }, (_, i) => ({
        itemId: `i${i}`,
        input: i,
        latencyMs: 1,
        startedAt: at,
        completedAt: at,
      })),
    );
    await enqueueDatasetRun(db(), p.id, e.id, ds.id, null, T0);
    await enqueueRuns(db(), p.id, e.id, [ds.id], null, T0);
    expect(await jobsOf(db(), e.id)).toHaveLength(13);
    const later = new Date(Date.now() + 40 * 86_400_000);
    const [purged] = await purgeExpired(db(), { now: later, batchSize: 5, projectId: p.id });
    expect(purged).toMatchObject({ runs: 1, results: 12 });
    expect(await jobsOf(db(), e.id)).toHaveLength(0);
  });
});
