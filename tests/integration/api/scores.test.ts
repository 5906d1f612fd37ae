import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { describeEachServer } from '../../helpers/shared-server';

type Api = Parameters<Parameters<typeof describeEachServer>[1]>[0]['api'];

async function newRun(api: Api, project = 'main'): Promise<string> {
  const res = await api('/api/v1/runs', { method: 'POST', body: { name: 'scored run' }, project });
  return (await res.json()).run.id;
}

const post = (api: Api, scores: unknown[], project = 'main') =>
  api('/api/v1/scores', { method: 'POST', body: { scores }, project });

describeEachServer('API /scores and /score-configs', ({ api }) => {
  it('configs: upsert by name, list, validate, delete', async () => {
    const put = await api('/api/v1/score-configs', {
      method: 'PUT',
      body: { name: 'quality', type: 'numeric', min: 0, max: 1, description: 'How good' },
    });
    expect(put.status).toBe(200);
    expect((await put.json()).config).toMatchObject({ name: 'quality', type: 'numeric', min: 0, max: 1 });
    const again = await api('/api/v1/score-configs', {
      method: 'PUT',
      body: { name: 'quality', type: 'numeric', min: 0, max: 10 },
    });
    expect((await again.json()).config).toMatchObject({ max: 10, description: null });
    const bad = await api('/api/v1/score-configs', {
      method: 'PUT',
      body: { name: 'tone', type: 'categorical' },
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatchObject({ code: 'bad_request' });
    await api('/api/v1/score-configs', {
      method: 'PUT',
      body: { name: 'tone', type: 'categorical', categories: ['good', 'bad'] },
    });
    const list = await (await api('/api/v1/score-configs')).json();
    expect(list.data.map((c: { name: string }) => c.name)).toEqual(['quality', 'tone']);
    expect((await api('/api/v1/score-configs?name=tone', { method: 'DELETE' })).status).toBe(204);
    expect((await api('/api/v1/score-configs?name=tone', { method: 'DELETE' })).status).toBe(404);
    // Another project sees none of them.
    expect((await (await api('/api/v1/score-configs', { project: 'other' })).json()).data).toEqual([]);
  });

  it('scores: idempotent by id, 409 on other content, 404 for unseen runs, 400 against the config', async () => {
    const runId = await newRun(api);
    await api('/api/v1/score-configs', {
      method: 'PUT',
      body: { name: 'correct', type: 'boolean' },
    });
    const id = randomUUID();
    const batch = [
      { id, runId, name: 'relevance', value: 0.7, comment: 'ok' },
      { runId, seq: 2, name: 'correct', value: true },
    ];
    let res = await post(api, batch);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 2, duplicates: 0 });
    res = await post(api, [batch[0]]);
    expect(await res.json()).toEqual({ accepted: 0, duplicates: 1 });
    res = await post(api, [{ ...batch[0], value: 0.1 }]);
    expect(res.status).toBe(409);
    expect((await res.json()).error.code).toBe('conflict');

    const otherRun = await newRun(api, 'other');
    res = await post(api, [{ runId: otherRun, name: 'relevance', value: 1 }]);
    expect(res.status).toBe(404);

    res = await post(api, [
      { runId, name: 'relevance', value: 1 },
      { runId, name: 'correct', value: 3 },
    ]);
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error).toMatchObject({ code: 'bad_request' });
    expect(body.error.details).toMatchObject([{ path: ['scores', '1', 'value'] }]);

    for (const wrong of [
      { runId, name: 'x' },
      { runId, name: 'x', value: 1, label: 'y' },
      { runId, name: 'x', value: 1, extra: true },
      { runId, name: ' x', value: 1 },
    ]) {
      expect((await post(api, [wrong])).status).toBe(400);
    }
    const tooMany = Array.from({ length: 1001 }, () => ({ runId, name: 'n', value: 1 }));
    expect((await post(api, tooMany)).status).toBe(400);

    const page = await (await api(`/api/v1/scores?runId=${runId}`)).json();
    expect(page.data).toHaveLength(2);
    const correct = page.data.find((s: { name: string }) => s.name === 'correct');
    expect(correct).toMatchObject({
      runId,
      seq: 2,
      value: true,
      label: null,
      source: 'api',
      dataType: 'boolean',
    });
  });

  it('lists in keyset pages with filters, deletes, and audits the writes', async () => {
    const runId = await newRun(api);
    const scores = Array.from({ length: 12 }, (_, i) => ({
      runId,
      name: i % 2 ? 'even' : 'odd',
      value: i,
    }));
    await post(api, scores);
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `runId=${runId}&name=even&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await (await api(`/api/v1/scores?${q}`)).json();
      seen.push(...page.data.map((s: { value: number }) => s.value));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.sort((a, b) => a - b)).toEqual([1, 3, 5, 7, 9, 11]);
    expect((await api('/api/v1/scores?source=evaluator')).status).toBe(200);
    expect((await api('/api/v1/scores?source=robot')).status).toBe(400);

    const { data } = await (await api(`/api/v1/scores?runId=${runId}&limit=1`)).json();
    expect((await api(`/api/v1/scores/${data[0].id}`, { method: 'DELETE', project: 'other' })).status).toBe(
      404,
    );
    expect((await api(`/api/v1/scores/${data[0].id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await api(`/api/v1/scores/${data[0].id}`, { method: 'DELETE' })).status).toBe(404);

    const audit = await (await api('/api/v1/audit')).json();
    const actions = audit.data.map((e: { action: string }) => e.action);
    expect(actions).toContain('scores.added');
    expect(actions).toContain('score.deleted');
  });

  it('declares the routes in the OpenAPI document', async () => {
    const doc = await (await api('/api/v1/openapi.json', { key: null })).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/scores', '/api/v1/scores/{id}', '/api/v1/score-configs']),
    );
    expect(Object.keys(doc.paths['/api/v1/score-configs'])).toEqual(
      expect.arrayContaining(['get', 'put', 'delete']),
    );
  });
});
