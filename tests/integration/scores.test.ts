import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { auditLog } from '@/db/schema';
import { isAppError } from '@/server/errors';
import { purgeExpired, putRetention } from '@/server/retention';
import { addResults, deleteRun } from '@/server/runs';
import {
  deleteScore,
  deleteScoreConfig,
  insertScores,
  listScores,
  putScoreConfig,
  putScoreSettings,
  scoresOfRun,
  toScoreDto,
} from '@/server/scores';
import { describeEachDb } from '../helpers/db';
import { makeProject, makeRun } from '../helpers/fixtures';

const api = { source: 'api', authorId: 'key-1' } as const;
const alice = { id: 'user-alice', email: 'alice@example.com' };
const human = { source: 'annotation', authorId: alice.id } as const;

/** The AppError code a promise rejects with. */
async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (isAppError(err)) return err.code;
    throw err;
  }
  throw new Error('expected a rejection');
}

describeEachDb('scores', ({ db }) => {
  it('stores API scores idempotently by id: same content a duplicate, other content a 409', async () => {
    const p = await makeProject(db());
    const run = await makeRun(db(), p.id);
    const id = randomUUID();
    const score = { id, runId: run.id, name: 'quality', value: 0.8, comment: 'fine' };
    expect(await insertScores(db(), p.id, api, [score], null)).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(await insertScores(db(), p.id, api, [score], null)).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(await codeOf(insertScores(db(), p.id, api, [{ ...score, value: 0.9 }], null))).toBe('conflict');
    // A batch with a conflicting id stores nothing of the batch.
    const other = { runId: run.id, name: 'other', value: 1 };
    expect(await codeOf(insertScores(db(), p.id, api, [other, { ...score, value: 0.1 }], null))).toBe(
      'conflict',
    );
    const stored = await scoresOfRun(db(), p.id, run.id);
    expect(stored.map(toScoreDto)).toMatchObject([
      { id, name: 'quality', value: 0.8, dataType: 'numeric', source: 'api', authorId: 'key-1', seq: null },
    ]);
  });

  it('refuses runs and results the project cannot see; a score id of another project is a new score here', async () => {
    const p = await makeProject(db());
    const q = await makeProject(db());
    const mine = await makeRun(db(), p.id, { kind: 'dataset' });
    const theirs = await makeRun(db(), q.id, { kind: 'dataset' });
    expect(
      await codeOf(insertScores(db(), p.id, api, [{ runId: theirs.id, name: 'x', value: 1 }], null)),
    ).toBe('not_found');
    const at = '2026-11-23T06:00:00.000Z';
    await addResults(db(), q.id, theirs.id, [
      { itemId: 'a', input: 1, latencyMs: 1, startedAt: at, completedAt: at },
    ]);
    const [theirResult] = (await db().query.runResults.findMany({
      where: (r, o) => o.eq(r.runId, theirs.id),
    }))!;
    expect(
      await codeOf(
        insertScores(
          db(),
          p.id,
          api,
          [{ runId: mine.id, resultId: theirResult!.id, name: 'x', value: 1 }],
          null,
        ),
      ),
    ).toBe('not_found');
    expect(await scoresOfRun(db(), p.id, mine.id)).toEqual([]);
    // Score ids are the project's own: the same id in each project is two scores.
    const id = randomUUID();
    await insertScores(db(), q.id, api, [{ id, runId: theirs.id, name: 'x', value: 1 }], null);
    await insertScores(db(), p.id, api, [{ id, runId: mine.id, name: 'x', value: 2 }], null);
    expect((await scoresOfRun(db(), p.id, mine.id)).map((s) => [s.id, s.value])).toEqual([[id, 2]]);
    expect((await scoresOfRun(db(), q.id, theirs.id)).map((s) => [s.id, s.value])).toEqual([[id, 1]]);
  });

  it('validates against configs: range, type and labels, every invalid score reported, none stored', async () => {
    const p = await makeProject(db());
    const run = await makeRun(db(), p.id);
    await putScoreConfig(db(), p.id, { name: 'quality', type: 'numeric', min: 0, max: 1 }, alice);
    await putScoreConfig(db(), p.id, { name: 'correct', type: 'boolean' }, alice);
    await putScoreConfig(
      db(),
      p.id,
      { name: 'tone', type: 'categorical', categories: ['ok', 'rude'] },
      alice,
    );
    const bad = [
      { runId: run.id, name: 'quality', value: 0.5 },
      { runId: run.id, name: 'quality', value: 1.5 },
      { runId: run.id, name: 'correct', value: 1 },
      { runId: run.id, name: 'tone', label: 'angry' },
    ];
    let err: unknown;
    await insertScores(db(), p.id, api, bad, null).catch((e) => {
      err = e;
    });
    expect(isAppError(err) && err.code).toBe('bad_request');
    expect(isAppError(err) && err.details).toMatchObject([
      { path: ['scores', '1', 'value'], message: 'quality must be at most 1' },
      { path: ['scores', '2', 'value'] },
      { path: ['scores', '3', 'label'] },
    ]);
    expect(await scoresOfRun(db(), p.id, run.id)).toEqual([]);

    const ok = [
      { runId: run.id, name: 'quality', value: 1 },
      { runId: run.id, name: 'correct', value: false },
      { runId: run.id, name: 'tone', label: 'rude' },
      { runId: run.id, name: 'unconfigured', value: 42 },
    ];
    expect(await insertScores(db(), p.id, api, ok, null)).toMatchObject({ accepted: 4 });
    const dtos = (await scoresOfRun(db(), p.id, run.id)).map(toScoreDto);
    const byName = dtos.map((s) => [s.name, s.dataType, s.value, s.label]).sort();
    expect(byName).toEqual([
      ['correct', 'boolean', false, null],
      ['quality', 'numeric', 1, null],
      ['tone', 'categorical', null, 'rude'],
      ['unconfigured', 'numeric', 42, null],
    ]);

    // A project that requires configs refuses names without one.
    await putScoreSettings(db(), p.id, { requireConfig: true }, alice);
    expect(
      await codeOf(insertScores(db(), p.id, api, [{ runId: run.id, name: 'free', value: 1 }], null)),
    ).toBe('bad_request');
    await deleteScoreConfig(db(), p.id, 'tone', alice);
    expect(
      await codeOf(insertScores(db(), p.id, api, [{ runId: run.id, name: 'tone', label: 'ok' }], null)),
    ).toBe('bad_request');
  });

  it('keeps one score per person and target: a re-score replaces it, audited with before and after', async () => {
    const p = await makeProject(db());
    const run = await makeRun(db(), p.id);
    const first = await insertScores(
      db(),
      p.id,
      human,
      [{ runId: run.id, name: 'quality', value: 2 }],
      alice,
    );
    // The same step of the run is another target; another person keeps their own.
    await insertScores(db(), p.id, human, [{ runId: run.id, seq: 3, name: 'quality', value: 5 }], alice);
    const bob = { source: 'annotation', authorId: 'user-bob' } as const;
    await insertScores(db(), p.id, bob, [{ runId: run.id, name: 'quality', value: 4 }], null);
    const again = await insertScores(
      db(),
      p.id,
      human,
      [{ runId: run.id, name: 'quality', value: 3, comment: 'better than I thought' }],
      alice,
    );
    expect(again).toMatchObject({ accepted: 1, duplicates: 0, ids: first.ids });
    const repeat = await insertScores(
      db(),
      p.id,
      human,
      [{ runId: run.id, name: 'quality', value: 3, comment: 'better than I thought' }],
      alice,
    );
    expect(repeat).toMatchObject({ accepted: 0, duplicates: 1 });
    const stored = (await scoresOfRun(db(), p.id, run.id)).map((s) => [s.authorId, s.seq, s.value]).sort();
    expect(stored).toEqual([
      ['user-alice', null, 3],
      ['user-alice', 3, 5],
      ['user-bob', null, 4],
    ]);
    const [entry] = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.projectId, p.id), eq(auditLog.action, 'score.replaced')));
    expect(entry).toMatchObject({
      actorEmail: alice.email,
      target: first.ids[0],
      before: { value: 2, comment: null },
      after: { value: 3, comment: 'better than I thought' },
    });
  });

  it('gives an evaluator exactly one score per run or result and name, even when writers race', async () => {
    const p = await makeProject(db());
    const run = await makeRun(db(), p.id);
    const judge = { source: 'evaluator', authorId: randomUUID() } as const;
    const write = (value: number) =>
      insertScores(db(), p.id, judge, [{ runId: run.id, name: 'judge', value }], null);
    await Promise.all([write(0.1), write(0.2), write(0.3), write(0.4)]);
    const stored = await scoresOfRun(db(), p.id, run.id);
    expect(stored).toHaveLength(1);
    expect([0.1, 0.2, 0.3, 0.4]).toContain(stored[0]!.value);
  });

  it('lists with filters in keyset pages, and deletes with an audit entry', async () => {
    const p = await makeProject(db());
    const runA = await makeRun(db(), p.id);
    const runB = await makeRun(db(), p.id);
    const batch = Array.from({ length: 25 }, (_, i) => ({
      runId: i % 2 ? runA.id : runB.id,
      name: i % 3 ? 'quality' : 'speed',
      value: i,
    }));
    await insertScores(db(), p.id, api, batch, null);
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await listScores(db(), p.id, { runId: runA.id, name: 'quality', limit: 3, cursor });
      seen.push(...page.data.map((s) => s.value!));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const expected = batch.filter((s) => s.runId === runA.id && s.name === 'quality').map((s) => s.value);
    expect(seen.sort((a, b) => a - b)).toEqual(expected);
    expect((await listScores(db(), p.id, { source: 'annotation', limit: 10 })).data).toEqual([]);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await listScores(db(), p.id, { from: future, limit: 10 })).data).toEqual([]);
    expect(await codeOf(listScores(db(), p.id, { limit: 10, cursor: 'nonsense' }))).toBe('bad_request');

    const [victim] = (await listScores(db(), p.id, { limit: 1 })).data;
    await deleteScore(db(), p.id, victim!.id, { apiKey: { id: 'key-1', name: 'test key' } });
    expect(await codeOf(deleteScore(db(), p.id, victim!.id, null))).toBe('not_found');
    const other = await makeProject(db());
    const [kept] = (await listScores(db(), p.id, { limit: 1 })).data;
    expect(await codeOf(deleteScore(db(), other.id, kept!.id, null))).toBe('not_found');
    const entries = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.projectId, p.id), eq(auditLog.action, 'score.deleted')));
    expect(entries).toMatchObject([{ actorId: 'key:key-1', target: victim!.id }]);
  });

  it('removes scores with their runs: by retention in batches, and with a deleted run', async () => {
    const p = await makeProject(db());
    await putRetention(db(), p.id, { runDays: 30, usageDays: 400 });
    const now = new Date();
    const old = await makeRun(db(), p.id, { kind: 'dataset' });
    await db().execute(
      sql`update runs set created_at = now() - interval '40 days' where id = ${old.id}::uuid`,
    );
    const fresh = await makeRun(db(), p.id);
    const at = now.toISOString();
    await addResults(db(), p.id, old.id, [
      { itemId: 'a', input: 1, latencyMs: 1, startedAt: at, completedAt: at },
    ]);
    const [result] = await db().query.runResults.findMany({ where: (r, o) => o.eq(r.runId, old.id) });
    const many = Array.from({ length: 24 }, (_, i) => ({ runId: old.id, seq: i, name: 'step', value: i }));
    await insertScores(
      db(),
      p.id,
      api,
      [...many, { runId: old.id, resultId: result!.id, name: 'r', value: 1 }],
      null,
    );
    await insertScores(db(), p.id, api, [{ runId: fresh.id, name: 'kept', value: 1 }], null);

    const [purged] = await purgeExpired(db(), { now, batchSize: 10, projectId: p.id });
    expect(purged).toMatchObject({ runs: 1, scores: 25, results: 1 });
    expect(purged!.batches).toBeGreaterThanOrEqual(3 + 1 + 1);
    expect(await scoresOfRun(db(), p.id, old.id)).toEqual([]);
    expect(await scoresOfRun(db(), p.id, fresh.id)).toHaveLength(1);

    await deleteRun(db(), p.id, fresh.id);
    expect((await listScores(db(), p.id, { limit: 10 })).data).toEqual([]);
  });
});
