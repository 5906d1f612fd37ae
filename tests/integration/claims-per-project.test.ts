/**
 * The background workers claim due work project by project (one locking statement per project,
 * as a database distributed by project needs): every project with due work gets its share of a
 * batch, and two claimers never take the same row.
 */
import { beforeAll, expect, it } from 'vitest';
import type { Db } from '@/db/client';
import { claimJobs, createEvaluator, enqueueRuns } from '@/server/evaluators';
import { createEvaluatorBody } from '@/lib/contract';
import { shareBatch } from '@/server/jobs/claims';
import { describeEachDb } from '../helpers/db';
import { makeProject, makeRun } from '../helpers/fixtures';

/** A project with `n` evaluations due at `at`. */
async function projectWithJobs(db: Db, n: number, at: Date): Promise<string> {
  const p = await makeProject(db, 'claims');
  const e = await createEvaluator(
    db,
    p.id,
    createEvaluatorBody.parse({ name: 'json', config: { type: 'json_valid' } }),
    null,
  );
  const runs = [];
  for (let i = 0; i < n; i++) runs.push((await makeRun(db, p.id, { status: 'succeeded' })).id);
  await enqueueRuns(db, p.id, e.id, runs, null, at);
  return p.id;
}

/** The handle with its statements counted (both drivers send raw SQL through execute). */
function counted(db: Db): { db: Db; statements: () => number } {
  let n = 0;
  const proxy = new Proxy(db, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (prop !== 'execute' || typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        n++;
        return v.apply(target, args);
      };
    },
  });
  return { db: proxy, statements: () => n };
}

it('shares a batch max-min fairly, oldest due project first', () => {
  const due = [
    { project_id: 'busy', n: 100 },
    { project_id: 'small', n: 1 },
    { project_id: 'mid', n: 5 },
  ];
  expect(shareBatch(due, 9)).toEqual([
    { projectId: 'busy', take: 4 },
    { projectId: 'small', take: 1 },
    { projectId: 'mid', take: 4 },
  ]);
  // Fewer slots than projects: the oldest due ones take them.
  expect(shareBatch(due, 2)).toEqual([
    { projectId: 'busy', take: 1 },
    { projectId: 'small', take: 1 },
  ]);
  expect(shareBatch(due, 200).reduce((a, s) => a + s.take, 0)).toBe(106);
  expect(shareBatch([], 5)).toEqual([]);
});

describeEachDb('claims per project', ({ db }) => {
  beforeAll(async () => {
    await makeProject(db());
  }, 120_000);

  it('a busy project does not starve the others: each project with due work gets its share', async () => {
    const at = new Date('2026-11-20T10:00:00.000Z');
    // The busy project's work is the oldest: a claim of the oldest rows would take only its own.
    const busy = await projectWithJobs(db(), 12, new Date(at.getTime() - 60_000));
    const quiet = [await projectWithJobs(db(), 2, at), await projectWithJobs(db(), 1, at)];
    const { db: c, statements } = counted(db());
    const jobs = await claimJobs(c, 'w1', at, 6, 3_600_000);
    // One plain read of the projects with due work, then one claim per project.
    expect(statements()).toBe(4);
    const per = (p: string) => jobs.filter((j) => j.project_id === p).length;
    expect(per(quiet[0]!)).toBe(2);
    expect(per(quiet[1]!)).toBe(1);
    expect(per(busy)).toBe(3);
    // The rest of the busy project's backlog comes in the next batches.
    const rest = await claimJobs(db(), 'w1', at, 50, 3_600_000);
    expect(rest.map((j) => j.project_id)).toEqual(Array(9).fill(busy));
    expect(await claimJobs(db(), 'w1', at, 50, 3_600_000)).toEqual([]);
  }, 120_000);

  it('two concurrent claimers take every due row of every project exactly once', async () => {
    // Earlier than the test above, whose leased rows are then not due.
    const at = new Date('2026-11-10T10:00:00.000Z');
    const projects = [];
    for (const n of [10, 4, 1, 6]) projects.push(await projectWithJobs(db(), n, at));
    const taken: { id: number; project_id: string; by: string }[] = [];
    const claimer = async (by: string) => {
      for (let i = 0; i < 50; i++) {
        const got = await claimJobs(db(), by, at, 3, 3_600_000);
        taken.push(...got.map((j) => ({ id: j.id, project_id: j.project_id, by })));
        if (got.length === 0) return;
      }
    };
    await Promise.all([claimer('a'), claimer('b')]);
    const keys = taken.map((t) => `${t.project_id}/${t.id}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toHaveLength(21);
    for (const p of projects) expect(taken.some((t) => t.project_id === p)).toBe(true);
  }, 120_000);
});
