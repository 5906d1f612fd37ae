import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { describeEachServer } from '../../helpers/shared-server';

type Api = Parameters<Parameters<typeof describeEachServer>[1]>[0]['api'];

const result = (itemId: string, failed = false) => ({
  itemId,
  itemVersion: 1,
  input: { question: `q ${itemId}` },
  output: failed ? undefined : { answer: `a ${itemId}` },
  groundTruth: { answer: `a ${itemId}` },
  latencyMs: 12.5,
  ...(failed ? { error: { message: 'boom' } } : {}),
  startedAt: '2026-11-23T06:00:00.000Z',
  completedAt: '2026-11-23T06:00:01.500Z',
});

async function newRun(api: Api): Promise<string> {
  const res = await api('/api/v1/runs', {
    method: 'POST',
    body: { name: 'dataset run', kind: 'dataset', datasetId: 'ds', datasetVersion: 1, totalItems: 100 },
  });
  return (await res.json()).run.id;
}

const post = (api: Api, runId: string, results: unknown[]) =>
  api(`/api/v1/runs/${runId}/results`, { method: 'POST', body: { results } });

async function counts(api: Api, runId: string) {
  const { run } = await (await api(`/api/v1/runs/${runId}`)).json();
  return { succeeded: run.succeededCount, failed: run.failedCount };
}

async function listAll(api: Api, runId: string, query = '') {
  const items: { itemId: string; error: unknown }[] = [];
  let cursor: string | null = null;
  do {
    const q: string = `limit=7${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await api(`/api/v1/runs/${runId}/results?${q}`);
    expect(res.status).toBe(200);
    const page = await res.json();
    items.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

describeEachServer('API /runs/{id}/results', ({ api, server }) => {
  it('stores results, replaces by itemId and keeps the counts exact', async () => {
    const runId = await newRun(api);
    const res = await post(api, runId, [result('a'), result('b'), result('c', true)]);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ stored: 3 });
    expect(await counts(api, runId)).toEqual({ succeeded: 2, failed: 1 });

    // b fails on a retry, c succeeds: replaced rows, counts follow.
    expect(await (await post(api, runId, [result('b', true), result('c')])).json()).toEqual({ stored: 2 });
    expect(await counts(api, runId)).toEqual({ succeeded: 2, failed: 1 });
    const { data } = await (await api(`/api/v1/runs/${runId}/results`)).json();
    expect(data.map((r: { itemId: string }) => r.itemId)).toEqual(['a', 'b', 'c']);
    expect(data[1]).toMatchObject({ itemId: 'b', error: { message: 'boom' }, output: null, latencyMs: 12.5 });
    expect(data[2]).toMatchObject({
      itemId: 'c',
      error: null,
      output: { answer: 'a c' },
      retryCount: 0,
      startedAt: '2026-11-23T06:00:00.000Z',
      completedAt: '2026-11-23T06:00:01.500Z',
    });
  });

  it('filters by status and paginates by itemId', async () => {
    const runId = await newRun(api);
    const items = Array.from({ length: 30 }, (_, i) =>
      result(`item-${String(i).padStart(2, '0')}`, i % 3 === 0),
    );
    await post(api, runId, items);
    const all = await listAll(api, runId);
    expect(all.map((r) => r.itemId)).toEqual(items.map((r) => r.itemId));
    const failed = await listAll(api, runId, '&status=failed');
    expect(failed).toHaveLength(10);
    expect(failed.every((r) => r.error !== null)).toBe(true);
    expect(await listAll(api, runId, '&status=succeeded')).toHaveLength(20);
    for (const q of ['status=done', 'limit=201', 'cursor=%%%']) {
      expect((await api(`/api/v1/runs/${runId}/results?${q}`)).status, q).toBe(400);
    }
  });

  it('keeps succeededCount/failedCount equal to the rows under 8 concurrent overlapping batches', async () => {
    const runId = await newRun(api);
    const batches = Array.from({ length: 8 }, (_, b) =>
      Array.from({ length: 60 }, (_, i) => {
        const n = b * 20 + i; // each batch overlaps the next by 40 items
        return result(`i${String(n).padStart(4, '0')}`, (n + b) % 4 === 0);
      }),
    );
    const answers = await Promise.all(batches.map((batch) => post(api, runId, batch)));
    for (const a of answers) expect(a.status).toBe(200);
    const rows = await listAll(api, runId);
    expect(rows).toHaveLength(7 * 20 + 60);
    const failedRows = rows.filter((r) => r.error !== null).length;
    expect(await counts(api, runId)).toEqual({ succeeded: rows.length - failedRows, failed: failedRows });
  });

  it('refuses invalid batches with 400 and stores nothing', async () => {
    const runId = await newRun(api);
    const bad: [string, unknown][] = [
      ['1001 results', { results: Array.from({ length: 1001 }, (_, i) => result(`x${i}`)) }],
      ['none', { results: [] }],
      ['duplicate itemId', { results: [result('a'), result('a')] }],
      ['negative latency', { results: [{ ...result('a'), latencyMs: -1 }] }],
      ['missing input', { results: [{ ...result('a'), input: undefined }] }],
      ['bad completedAt', { results: [{ ...result('a'), completedAt: 'soon' }] }],
      ['negative retryCount', { results: [{ ...result('a'), retryCount: -1 }] }],
      ['NUL in itemId', { results: [result('a\u0000')] }],
    ];
    for (const [what, body] of bad) {
      const res = await api(`/api/v1/runs/${runId}/results`, { method: 'POST', body });
      expect(res.status, what).toBe(400);
      expect((await res.json()).error.code).toBe('bad_request');
    }
    expect(await listAll(api, runId)).toEqual([]);
    expect(await counts(api, runId)).toEqual({ succeeded: 0, failed: 0 });
  });

  it("answers 404 for an unknown run and another project's run", async () => {
    const runId = await newRun(api);
    for (const [id, project] of [
      [runId, 'other'],
      [randomUUID(), 'main'],
    ] as const) {
      const path = `/api/v1/runs/${id}/results`;
      expect((await api(path, { project })).status).toBe(404);
      const write = await api(path, { method: 'POST', body: { results: [result('z')] }, project });
      expect(write.status).toBe(404);
      expect((await write.json()).error.code).toBe('not_found');
    }
    expect(await listAll(api, runId)).toEqual([]);
  });

  it('logged no unhandled error (no 500 was answered)', () => {
    expect(server().logs()).not.toContain('unhandled API error');
    // The body checks catch what the database would refuse before the driver's safety net has to.
    expect(server().logs()).not.toContain('database refused a value');
  });
});
