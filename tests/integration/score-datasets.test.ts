import { expect, it } from 'vitest';
import type { Db } from '@/db/client';
import { datasets } from '@/db/schema';
import { addResults } from '@/server/runs';
import { compareScorers, datasetNames, insertScores, scorerSummaries, scoreTrends } from '@/server/scores';
import { describeEachDb } from '../helpers/db';
import { makeProject, makeRun } from '../helpers/fixtures';

const at = '2026-11-23T06:00:00.000Z';
const judge = { source: 'evaluator', authorId: 'judge' } as const;

/** A dataset run over items a, b, c with `correct` (yes/no) and `quality` (a number) per result. */
async function datasetRun(db: Db, projectId: string, scores: Record<string, [boolean, number]>) {
  const run = await makeRun(db, projectId, { kind: 'dataset', datasetId: 'ds-1' });
  await addResults(
    db,
    projectId,
    run.id,
    Object.keys(scores).map((itemId) => ({
      itemId,
      input: { q: itemId },
      latencyMs: 1,
      startedAt: at,
      completedAt: at,
    })),
  );
  const results = await db.query.runResults.findMany({ where: (r, o) => o.eq(r.runId, run.id) });
  const idOf = new Map(results.map((r) => [r.itemId, r.id]));
  const batch = Object.entries(scores).flatMap(([itemId, [correct, quality]]) => [
    { runId: run.id, resultId: idOf.get(itemId)!, name: 'correct', value: correct },
    { runId: run.id, resultId: idOf.get(itemId)!, name: 'quality', value: quality },
  ]);
  await insertScores(db, projectId, judge, batch, null);
  return run;
}

describeEachDb('scores of dataset runs', ({ db }) => {
  it('summarizes each scorer beside the run and compares two runs item by item', async () => {
    const p = await makeProject(db());
    const a = await datasetRun(db(), p.id, { a: [true, 0.5], b: [false, 0.2], c: [true, 0.9] });
    const b = await datasetRun(db(), p.id, { a: [true, 0.7], b: [true, 0.2], d: [false, 0.1] });
    const summaries = await scorerSummaries(db(), p.id, [a.id, b.id]);
    expect(summaries.get(a.id)).toEqual([
      { name: 'correct', dataType: 'boolean', count: 3, mean: null, passRate: 2 / 3 },
      { name: 'quality', dataType: 'numeric', count: 3, mean: expect.closeTo(1.6 / 3, 6), passRate: null },
    ]);
    const cmp = await compareScorers(db(), p.id, a.id, b.id);
    expect(cmp.map((c) => c.name)).toEqual(['correct', 'quality']);
    const [correct, quality] = cmp;
    expect(correct!.counts).toEqual({ improved: 1, regressed: 0, unchanged: 1, only_a: 1, only_b: 1 });
    expect(correct!.items.get('b')).toEqual({ itemId: 'b', a: 0, b: 1, change: 'improved' });
    expect(quality!.items.get('a')!.change).toBe('improved');
    expect(quality!.items.get('b')!.change).toBe('unchanged');
    expect(quality!.items.get('c')!.change).toBe('only_a');
  });

  it('names datasets by id, and charts scores by day', async () => {
    const p = await makeProject(db());
    const [ds] = await db()
      .insert(datasets)
      .values({ projectId: p.id, name: 'Support questions' })
      .returning();
    expect(await datasetNames(db(), p.id, [ds!.id, 'not-a-uuid'])).toEqual(
      new Map([[ds!.id, 'Support questions']]),
    );
    const other = await makeProject(db());
    expect((await datasetNames(db(), other.id, [ds!.id])).size).toBe(0);

    await datasetRun(db(), p.id, { a: [true, 0.5], b: [false, 1] });
    await db().execute(
      `update scores set created_at = created_at - interval '1 day' where name = 'quality' and value = 1`,
    );
    const trends = await scoreTrends(db(), p.id, { from: new Date(Date.now() - 7 * 86_400_000) });
    const quality = trends.find((t) => t.name === 'quality')!;
    expect(quality.total).toBe(2);
    expect(quality.points.map((x) => x.mean)).toEqual([1, 0.5]);
    const correct = trends.find((t) => t.name === 'correct')!;
    expect(correct.points).toEqual([expect.objectContaining({ count: 2, passRate: 0.5, mean: null })]);
    expect(await scoreTrends(db(), p.id, { from: new Date(), name: 'quality', source: 'api' })).toEqual([]);
  });
});
