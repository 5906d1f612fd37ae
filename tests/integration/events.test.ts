import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { appendEvents, listEvents } from '@/server/events';
import { getRunById } from '@/server/runs';
import { describeEachDb } from '../helpers/db';
import { makeProject, makeRun } from '../helpers/fixtures';

const batch = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    seq: from + i,
    type: 'text-delta',
    payload: { delta: `t${from + i}` },
  }));

describeEachDb('events', ({ db }) => {
  it('appends a batch, counts it, and lists it by seq with a cursor', async () => {
    const p = await makeProject(db());
    const run = await makeRun(db(), p.id);
    expect(await appendEvents(db(), p.id, run.id, batch(0, 30).reverse())).toEqual({
      accepted: 30,
      duplicates: 0,
      eventCount: 30,
    });
    const stored = await getRunById(db(), p.id, run.id);
    expect(stored).toMatchObject({ eventCount: 30, lastSeq: 29 });
    const first = await listEvents(db(), p.id, run.id, { limit: 20 });
    expect(first.data.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    const second = await listEvents(db(), p.id, run.id, { limit: 20, cursor: first.nextCursor! });
    expect(second.data.map((e) => e.seq)).toEqual(Array.from({ length: 10 }, (_, i) => 20 + i));
    expect(second.nextCursor).toBeNull();
    expect((await listEvents(db(), p.id, run.id, { afterSeq: 27, limit: 10 })).data).toHaveLength(2);
  });

  it('stores a retried batch once, also when sent concurrently', async () => {
    const p = await makeProject(db());
    const run = await makeRun(db(), p.id);
    const events = batch(0, 200);
    expect(await appendEvents(db(), p.id, run.id, events)).toEqual({
      accepted: 200,
      duplicates: 0,
      eventCount: 200,
    });
    expect(await appendEvents(db(), p.id, run.id, events)).toEqual({
      accepted: 0,
      duplicates: 200,
      eventCount: null,
    });
    const more = batch(200, 100);
    const results = await Promise.all(
      Array.from({ length: 8 }, () => appendEvents(db(), p.id, run.id, more)),
    );
    expect(results.reduce((s, r) => s + r.accepted, 0)).toBe(100);
    expect(results.reduce((s, r) => s + r.duplicates, 0)).toBe(700);
    expect(await getRunById(db(), p.id, run.id)).toMatchObject({ eventCount: 300, lastSeq: 299 });
  });

  it('refuses a batch whose seq clashes with a stored event and stores nothing of it', async () => {
    const p = await makeProject(db());
    const run = await makeRun(db(), p.id);
    await appendEvents(db(), p.id, run.id, batch(0, 5));
    const clash = [...batch(5, 3), { seq: 2, type: 'text-delta', payload: { delta: 'changed' } }];
    await expect(appendEvents(db(), p.id, run.id, clash)).rejects.toMatchObject({
      code: 'conflict',
      details: { seqs: [2] },
    });
    expect(await getRunById(db(), p.id, run.id)).toMatchObject({ eventCount: 5, lastSeq: 4 });
    expect((await listEvents(db(), p.id, run.id, { limit: 100 })).data).toHaveLength(5);
  });

  it('answers not_found for an unknown run or another project', async () => {
    const a = await makeProject(db());
    const b = await makeProject(db());
    const run = await makeRun(db(), a.id);
    await expect(appendEvents(db(), b.id, run.id, batch(0, 1))).rejects.toMatchObject({ code: 'not_found' });
    await expect(listEvents(db(), a.id, randomUUID(), { limit: 1 })).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});
