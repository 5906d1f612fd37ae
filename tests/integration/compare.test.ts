import { expect, it } from 'vitest';
import { appendEvents } from '@/server/events';
import { compareDatasetItem, compareDatasetRuns, compareRuns } from '@/server/compare';
import { addResults, listResults, updateRun } from '@/server/runs';
import { insertScores } from '@/server/scores';
import { describeEachDb } from '../helpers/db';
import { makeProject, makeRun } from '../helpers/fixtures';

const at = '2026-11-01T00:00:00.000Z';
const result = (itemId: string, pass: boolean, latencyMs: number, output: string = itemId) => ({
  itemId,
  input: { q: itemId },
  output,
  groundTruth: `truth ${itemId}`,
  latencyMs,
  startedAt: at,
  completedAt: at,
  ...(pass ? {} : { error: { message: `failed ${itemId}` } }),
});

describeEachDb('compare', ({ db }) => {
  it('classifies every item of two dataset runs and gives the pass-rate delta', async () => {
    const p = await makeProject(db());
    const a = await makeRun(db(), p.id, { name: 'A', kind: 'dataset', datasetId: 'faq', datasetVersion: 1 });
    const b = await makeRun(db(), p.id, { name: 'B', kind: 'dataset', datasetId: 'faq', datasetVersion: 2 });
    await addResults(db(), p.id, a.id, [
      result('1', true, 100),
      result('2', true, 100),
      result('3', false, 100),
      result('4', false, 100),
      result('5', true, 50),
    ]);
    await addResults(db(), p.id, b.id, [
      result('1', true, 80),
      result('2', false, 150),
      result('3', true, 100),
      result('4', false, 90),
      result('6', true, 10),
    ]);
    const cmp = await compareDatasetRuns(db(), p.id, a.id, b.id);
    expect(cmp.items.map((i) => [i.itemId, i.change, i.latencyDeltaMs])).toEqual([
      ['1', 'both_pass', -20],
      ['2', 'regressed', 50],
      ['3', 'fixed', 0],
      ['4', 'both_fail', -10],
      ['5', 'only_a', null],
      ['6', 'only_b', null],
    ]);
    expect(cmp.counts).toEqual({ regressed: 1, fixed: 1, both_pass: 1, both_fail: 1, only_a: 1, only_b: 1 });
    expect(cmp.passRateA).toBeCloseTo(3 / 5);
    expect(cmp.passRateB).toBeCloseTo(3 / 5);
    expect(cmp.passRateDelta).toBeCloseTo(0);
    expect(cmp.items[1]!.groundTruth).toBe('truth 2');

    const other = await makeRun(db(), p.id, { name: 'C', kind: 'dataset', datasetId: 'other' });
    await expect(compareDatasetRuns(db(), p.id, a.id, other.id)).rejects.toMatchObject({
      code: 'bad_request',
    });
    const stranger = await makeProject(db());
    await expect(compareDatasetRuns(db(), stranger.id, a.id, b.id)).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it("opens one item's two results side by side with their scores", async () => {
    const p = await makeProject(db());
    const a = await makeRun(db(), p.id, { name: 'A', kind: 'dataset', datasetId: 'faq' });
    const b = await makeRun(db(), p.id, { name: 'B', kind: 'dataset', datasetId: 'faq' });
    await addResults(db(), p.id, a.id, [
      result('1', true, 100, 'Paris is the capital'),
      result('2', true, 10),
    ]);
    await addResults(db(), p.id, b.id, [result('1', false, 160), result('3', true, 10)]);
    const [ra] = (await listResults(db(), p.id, a.id, { limit: 10 })).data;
    const [rb] = (await listResults(db(), p.id, b.id, { limit: 10 })).data;
    await insertScores(
      db(),
      p.id,
      { source: 'evaluator', authorId: 'exact' },
      [
        { runId: a.id, resultId: ra!.id, name: 'exact', value: true },
        { runId: b.id, resultId: rb!.id, name: 'exact', value: false, comment: 'no answer' },
        // A score of the run itself is not the item's.
        { runId: a.id, name: 'exact', value: false },
      ],
      null,
    );
    const cmp = await compareDatasetItem(db(), p.id, a.id, b.id, '1');
    expect(cmp.item).toMatchObject({
      itemId: '1',
      change: 'regressed',
      latencyDeltaMs: 60,
      groundTruth: 'truth 1',
    });
    expect(cmp.left.result?.output).toBe('Paris is the capital');
    expect(cmp.left.answer).toBe('Paris is the capital');
    expect(cmp.right.result?.error).toEqual({ message: 'failed 1' });
    expect(cmp.right.answer).toBe('');
    expect(cmp.left.scores.map((s) => [s.name, s.value, s.comment])).toEqual([['exact', 1, null]]);
    expect(cmp.right.scores.map((s) => [s.name, s.value, s.comment])).toEqual([['exact', 0, 'no answer']]);
    // An item only one run has: the other side is empty.
    const only = await compareDatasetItem(db(), p.id, a.id, b.id, '3');
    expect([only.item.change, only.left.result, only.right.result?.itemId]).toEqual(['only_b', null, '3']);
    await expect(compareDatasetItem(db(), p.id, a.id, b.id, 'nope')).rejects.toMatchObject({
      code: 'not_found',
    });
    const stranger = await makeProject(db());
    await expect(compareDatasetItem(db(), stranger.id, a.id, b.id, '1')).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('lines two chat runs up by step with their numbers and final answers', async () => {
    const p = await makeProject(db());
    const a = await makeRun(db(), p.id, { name: 'a' });
    const b = await makeRun(db(), p.id, { name: 'b' });
    await appendEvents(db(), p.id, a.id, [
      { seq: 0, type: 'user-message', payload: { text: 'weather?' } },
      { seq: 1, type: 'start-step', payload: {} },
      {
        seq: 2,
        type: 'tool-input-available',
        payload: { toolCallId: 't', toolName: 'weather', input: { city: 'Paris' } },
      },
      { seq: 3, type: 'start-step', payload: {} },
      { seq: 4, type: 'text-delta', payload: { delta: 'It is ' } },
      { seq: 5, type: 'text-delta', payload: { delta: 'sunny.' } },
    ]);
    await appendEvents(db(), p.id, b.id, [
      { seq: 0, type: 'user-message', payload: { text: 'weather?' } },
      { seq: 1, type: 'start-step', payload: {} },
      { seq: 2, type: 'text-delta', payload: { delta: 'It is rainy.' } },
      { seq: 3, type: 'error', payload: { errorText: 'tool down' } },
    ]);
    await updateRun(db(), p.id, a.id, { status: 'succeeded', inputTokens: 10, outputTokens: 5 });
    const cmp = await compareRuns(db(), p.id, a.id, b.id);
    expect(cmp.stepCount).toBe(2);
    expect(cmp.left.steps.map((s) => s.items.map((i) => `${i.kind}:${i.text}`))).toEqual([
      ['user:weather?', 'tool:weather({"city":"Paris"})'],
      ['assistant:It is sunny.'],
    ]);
    expect(cmp.right.steps.map((s) => s.items.map((i) => i.kind))).toEqual([['user', 'assistant', 'error']]);
    expect(cmp.left.answer).toBe('It is sunny.');
    expect(cmp.right.answer).toBe('It is rainy.');
    expect(cmp.left.stats).toMatchObject({ events: 6, toolCalls: 1, errors: 0 });
    expect(cmp.right.stats).toMatchObject({ events: 4, toolCalls: 0, errors: 1 });
    expect(cmp.left.run.totalTokens).toBe(15);
  });
});
