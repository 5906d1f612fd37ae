import { expect, it } from 'vitest';
import { addResults, deleteResultsByRunId, getResultById, getRunById, listResults } from '@/server/runs';
import { describeEachDb } from '../helpers/db';
import { makeProject, makeRun } from '../helpers/fixtures';

const at = '2026-11-23T06:00:00.000Z';
const result = (itemId: string, failed: boolean, extra: Record<string, unknown> = {}) => ({
  itemId,
  input: { itemId },
  output: failed ? null : { ok: itemId },
  latencyMs: 12.5,
  error: failed ? { message: 'boom' } : null,
  startedAt: at,
  completedAt: at,
  ...extra,
});

describeEachDb('run results', ({ db }) => {
  it('replaces by itemId and keeps the counts exact', async () => {
    const p = await makeProject(db());
    const run = await makeRun(db(), p.id, { kind: 'dataset', totalItems: 3 });
    await addResults(db(), p.id, run.id, [result('a', false), result('b', true), result('c', true)]);
    let stored = (await getRunById(db(), p.id, run.id))!;
    expect([stored.succeededCount, stored.failedCount]).toEqual([1, 2]);
    await addResults(db(), p.id, run.id, [result('b', false, { retryCount: 1 })]);
    stored = (await getRunById(db(), p.id, run.id))!;
    expect([stored.succeededCount, stored.failedCount]).toEqual([2, 1]);
    const { data } = await listResults(db(), p.id, run.id, { limit: 10 });
    expect(data.map((r) => [r.itemId, r.retryCount])).toEqual([
      ['a', 0],
      ['b', 1],
      ['c', 0],
    ]);
  });

  it('stays exact under 8 concurrent overlapping batches', async () => {
    const p = await makeProject(db());
    const run = await makeRun(db(), p.id, { kind: 'dataset' });
    // Batch i writes items i*10 .. i*10+19: each overlaps the next; item k fails when k % 3 === 0.
    const id = (k: number) => `item-${String(k).padStart(3, '0')}`;
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        addResults(
          db(),
          p.id,
          run.id,
          Array.from({ length: 20 }, (_, j) => result(id(i * 10 + j), (i * 10 + j) % 3 === 0)),
        ),
      ),
    );
    const items = 90; // 0 .. 89
    const failed = Array.from({ length: items }, (_, k) => k).filter((k) => k % 3 === 0).length;
    const stored = (await getRunById(db(), p.id, run.id))!;
    expect(stored.failedCount).toBe(failed);
    expect(stored.succeededCount).toBe(items - failed);
  });

  it('lists by status with a cursor, scopes lookups, deletes and recounts', async () => {
    const p = await makeProject(db());
    const other = await makeProject(db());
    const run = await makeRun(db(), p.id, { kind: 'dataset' });
    await addResults(
      db(),
      p.id,
      run.id,
      Array.from({ length: 7 }, (_, k) => result(`i${k}`, k % 2 === 1)),
    );
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listResults(db(), p.id, run.id, { status: 'succeeded', limit: 2, cursor });
      seen.push(...page.data.map((r) => r.itemId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(['i0', 'i2', 'i4', 'i6']);
    const failed = await listResults(db(), p.id, run.id, { status: 'failed', limit: 10 });
    expect(failed.data.map((r) => r.itemId)).toEqual(['i1', 'i3', 'i5']);
    expect(failed.nextCursor).toBeNull();

    const one = failed.data[0]!;
    expect((await getResultById(db(), p.id, one.id))?.itemId).toBe('i1');
    expect(await getResultById(db(), other.id, one.id)).toBeNull();
    await expect(listResults(db(), other.id, run.id, { limit: 10 })).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(deleteResultsByRunId(db(), other.id, run.id)).rejects.toMatchObject({ code: 'not_found' });

    expect(await deleteResultsByRunId(db(), p.id, run.id)).toBe(7);
    const stored = (await getRunById(db(), p.id, run.id))!;
    expect([stored.succeededCount, stored.failedCount]).toEqual([0, 0]);
    expect((await listResults(db(), p.id, run.id, { limit: 10 })).data).toEqual([]);
  });
});
