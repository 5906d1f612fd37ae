import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { describeEachServer } from '../../helpers/shared-server';

type Api = Parameters<Parameters<typeof describeEachServer>[1]>[0]['api'];

const deltas = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    seq: from + i,
    type: 'text-delta',
    payload: { type: 'text-delta', id: 't1', delta: `chunk ${from + i} ` },
  }));

async function newRun(api: Api, body: Record<string, unknown> = {}): Promise<string> {
  const res = await api('/api/v1/runs', { method: 'POST', body: { name: 'events', ...body } });
  expect(res.status).toBe(201);
  return (await res.json()).run.id;
}

const post = (api: Api, runId: string, events: unknown[], project?: string) =>
  api(`/api/v1/runs/${runId}/events`, { method: 'POST', body: { events }, project });

async function allSeqs(api: Api, runId: string): Promise<number[]> {
  const body = await (await api(`/api/v1/runs/${runId}/events?limit=5000`)).json();
  return body.data.map((e: { seq: number }) => e.seq);
}

describeEachServer('API /runs/{id}/events', ({ api, server }) => {
  it('appends, counts duplicates, and answers a retried batch with all duplicates', async () => {
    const runId = await newRun(api);
    const first = await post(api, runId, deltas(0, 10));
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ accepted: 10, duplicates: 0 });
    expect(await (await post(api, runId, deltas(0, 10))).json()).toEqual({ accepted: 0, duplicates: 10 });
    expect(await (await post(api, runId, deltas(5, 10))).json()).toEqual({ accepted: 5, duplicates: 5 });
    const { run } = await (await api(`/api/v1/runs/${runId}`)).json();
    expect(run).toMatchObject({ eventCount: 15, lastSeq: 14 });
    const list = await (await api(`/api/v1/runs/${runId}/events`)).json();
    expect(list.nextCursor).toBeNull();
    expect(list.data[3]).toEqual({
      seq: 3,
      type: 'text-delta',
      ts: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      payload: { type: 'text-delta', id: 't1', delta: 'chunk 3 ' },
      createdAt: expect.stringMatching(/Z$/),
    });
  });

  it('refuses a batch with a clashing seq (409, details.seqs) and stores nothing of it', async () => {
    const runId = await newRun(api);
    await post(api, runId, deltas(0, 5));
    const clash = [
      ...deltas(5, 3),
      { seq: 1, type: 'text-delta', payload: { delta: 'changed' } },
      { seq: 3, type: 'other-type', payload: deltas(3, 1)[0]!.payload },
    ];
    const res = await post(api, runId, clash);
    expect(res.status).toBe(409);
    const { error } = await res.json();
    expect(error.code).toBe('conflict');
    expect(error.details).toEqual({ seqs: [1, 3] });
    expect(await allSeqs(api, runId)).toEqual([0, 1, 2, 3, 4]);
    const { run } = await (await api(`/api/v1/runs/${runId}`)).json();
    expect(run).toMatchObject({ eventCount: 5, lastSeq: 4 });
  });

  it('accepts out-of-order batches with gaps and lists by seq', async () => {
    const runId = await newRun(api);
    const ev = (seq: number) => ({ seq, type: 'data-x', payload: { n: seq } });
    expect(await (await post(api, runId, [ev(9), ev(2), ev(5)])).json()).toEqual({
      accepted: 3,
      duplicates: 0,
    });
    expect(await (await post(api, runId, [ev(0), ev(7)])).json()).toEqual({ accepted: 2, duplicates: 0 });
    expect(await allSeqs(api, runId)).toEqual([0, 2, 5, 7, 9]);
    const { run } = await (await api(`/api/v1/runs/${runId}`)).json();
    expect(run).toMatchObject({ eventCount: 5, lastSeq: 9 });
    const after = await (await api(`/api/v1/runs/${runId}/events?afterSeq=4`)).json();
    expect(after.data.map((e: { seq: number }) => e.seq)).toEqual([5, 7, 9]);
  });

  it('stores ts as given (any offset, answered in UTC) and defaults it to the time received', async () => {
    const runId = await newRun(api);
    const before = Date.now();
    await post(api, runId, [
      { seq: 0, type: 'start', ts: '2026-11-23T08:00:00.123+02:00' },
      { seq: 1, type: 'finish' },
    ]);
    const { data } = await (await api(`/api/v1/runs/${runId}/events`)).json();
    expect(data[0]).toMatchObject({ ts: '2026-11-23T06:00:00.123Z', payload: {} });
    expect(Date.parse(data[1].ts)).toBeGreaterThanOrEqual(before - 1000);
  });

  it('paginates with afterSeq, limit and the cursor', async () => {
    const runId = await newRun(api);
    for (let from = 0; from < 2500; from += 1000) {
      expect((await post(api, runId, deltas(from, Math.min(1000, 2500 - from)))).status).toBe(200);
    }
    const seen: number[] = [];
    let url = `/api/v1/runs/${runId}/events?afterSeq=99&limit=700`;
    for (let pages = 0; pages < 10; pages++) {
      const res = await api(url);
      expect(res.status).toBe(200);
      const page = await res.json();
      seen.push(...page.data.map((e: { seq: number }) => e.seq));
      if (!page.nextCursor) break;
      url = `/api/v1/runs/${runId}/events?limit=700&cursor=${encodeURIComponent(page.nextCursor)}`;
    }
    expect(seen).toEqual(Array.from({ length: 2400 }, (_, i) => i + 100));
    const dflt = await (await api(`/api/v1/runs/${runId}/events`)).json();
    expect(dflt.data).toHaveLength(1000);
    expect(dflt.nextCursor).toEqual(expect.any(String));

    for (const q of ['limit=0', 'limit=5001', 'afterSeq=-2', 'afterSeq=abc', 'cursor=garbage', 'bogus=1']) {
      const res = await api(`/api/v1/runs/${runId}/events?${q}`);
      expect(res.status, q).toBe(400);
      expect((await res.json()).error.code).toBe('bad_request');
    }
  });

  it('refuses invalid batches with 400 and stores nothing', async () => {
    const runId = await newRun(api);
    const bad: [string, unknown][] = [
      ['1001 events', { events: deltas(0, 1001) }],
      ['no events', { events: [] }],
      ['duplicate seqs in the call', { events: [...deltas(0, 3), deltas(1, 1)[0]] }],
      ['seq past int32', { events: [{ seq: 2 ** 31, type: 'x' }] }],
      ['negative seq', { events: [{ seq: -1, type: 'x' }] }],
      ['fractional seq', { events: [{ seq: 1.5, type: 'x' }] }],
      ['empty type', { events: [{ seq: 0, type: '' }] }],
      ['long type', { events: [{ seq: 0, type: 'x'.repeat(101) }] }],
      ['bad ts', { events: [{ seq: 0, type: 'x', ts: 'yesterday' }] }],
      ['year 0000', { events: [{ seq: 0, type: 'x', ts: '0000-01-01T00:00:00.000Z' }] }],
      ['unknown field', { events: [{ seq: 0, type: 'x', extra: 1 }] }],
      ['not a list', { events: { seq: 0, type: 'x' } }],
      ['usage without tokens', { events: [{ seq: 0, type: 'usage', payload: { model: 'm' } }] }],
      [
        'usage with negative tokens',
        { events: [{ seq: 0, type: 'usage', payload: { inputTokens: -1, outputTokens: 0 } }] },
      ],
    ];
    for (const [what, body] of bad) {
      const res = await api(`/api/v1/runs/${runId}/events`, { method: 'POST', body });
      expect(res.status, what).toBe(400);
      const { error } = await res.json();
      expect(error.code, what).toBe('bad_request');
      expect(Array.isArray(error.details), what).toBe(true);
    }
    expect(await allSeqs(api, runId)).toEqual([]);
  });

  it('answers 400, not 500, for values the database cannot store, and keeps other Unicode exact', async () => {
    const runId = await newRun(api);
    const cases: [string, string][] = [
      ['NUL in a payload string', '{"events":[{"seq":0,"type":"x","payload":{"text":"a\\u0000b"}}]}'],
      ['NUL in a payload key', '{"events":[{"seq":0,"type":"x","payload":{"a\\u0000":1}}]}'],
      ['NUL in the type', '{"events":[{"seq":0,"type":"x\\u0000"}]}'],
      ['lone surrogate', '{"events":[{"seq":0,"type":"x","payload":{"t":"\\ud800"}}]}'],
      ['deep nesting', `{"events":[{"seq":0,"type":"x","payload":${'['.repeat(5000)}${']'.repeat(5000)}}]}`],
    ];
    for (const [what, body] of cases) {
      const res = await api(`/api/v1/runs/${runId}/events`, { method: 'POST', body });
      expect(res.status, what).toBe(400);
      const { error } = await res.json();
      expect(error.code, what).toBe('bad_request');
      expect(error.message, what).not.toMatch(/insert|select|jsonb|stack/i);
    }
    expect((await api('/api/v1/runs?q=%00')).status).toBe(400);
    expect(await allSeqs(api, runId)).toEqual([]);

    const odd = {
      text: 'héllo 世界 🧪 \u200b\uFEFF "quoted" \\ back\\slash \u2028',
      escapedNul: '\\u0000 is only text here',
      pair: '\ud83d\ude00',
      nested: JSON.parse(`${'{"a":'.repeat(60)}1${'}'.repeat(60)}`),
      numbers: [0, -0.5, 1e300, 2 ** 53 - 1],
      empty: {},
    };
    const ok = await post(api, runId, [{ seq: 0, type: 'data-ünïcode 🧪', payload: odd }]);
    expect(ok.status).toBe(200);
    const { data } = await (await api(`/api/v1/runs/${runId}/events`)).json();
    expect(data[0].type).toBe('data-ünïcode 🧪');
    expect(data[0].payload).toEqual(odd);
    // The same event again is a duplicate: jsonb equality does not depend on key order.
    const again = await post(api, runId, [{ seq: 0, type: 'data-ünïcode 🧪', payload: { ...odd } }]);
    expect(await again.json()).toEqual({ accepted: 0, duplicates: 1 });
  });

  it('adds usage events to the run tokens and cost once (duplicates do not count)', async () => {
    const runId = await newRun(api);
    const usage = [
      { seq: 0, type: 'start' },
      {
        seq: 1,
        type: 'usage',
        payload: { inputTokens: 100, outputTokens: 20, model: 'gpt-x', costUsd: 0.25 },
      },
      { seq: 2, type: 'usage', payload: { inputTokens: 5, outputTokens: 1 } },
    ];
    expect(await (await post(api, runId, usage)).json()).toEqual({ accepted: 3, duplicates: 0 });
    expect(await (await post(api, runId, usage)).json()).toEqual({ accepted: 0, duplicates: 3 });
    const more = [
      ...usage,
      { seq: 3, type: 'usage', payload: { inputTokens: 1, outputTokens: 1, costUsd: 0.5 } },
    ];
    expect(await (await post(api, runId, more)).json()).toEqual({ accepted: 1, duplicates: 3 });
    const { run } = await (await api(`/api/v1/runs/${runId}`)).json();
    expect(run).toMatchObject({ inputTokens: 106, outputTokens: 22, totalTokens: 128, model: 'gpt-x' });
    expect(run.costUsd).toBeCloseTo(0.75, 10);
  });

  it("answers 404 for an unknown run, a malformed id and another project's run", async () => {
    const runId = await newRun(api);
    await post(api, runId, deltas(0, 2));
    for (const [path, project] of [
      [`/api/v1/runs/${runId}/events`, 'other'],
      [`/api/v1/runs/${randomUUID()}/events`, 'main'],
      ['/api/v1/runs/not-a-uuid/events', 'main'],
    ] as const) {
      const get = await api(path, { project });
      expect(get.status, path).toBe(404);
      expect((await get.json()).error.code).toBe('not_found');
      const write = await api(path, { method: 'POST', body: { events: deltas(5, 1) }, project });
      expect(write.status, path).toBe(404);
    }
    expect(await allSeqs(api, runId)).toEqual([0, 1]);
  });

  it('answers 200 or 404, never 500, while the run is deleted concurrently', async () => {
    for (let round = 0; round < 3; round++) {
      const runId = await newRun(api);
      const writes = Array.from({ length: 6 }, (_, i) => post(api, runId, deltas(i * 200, 200)));
      const del = api(`/api/v1/runs/${runId}`, { method: 'DELETE' });
      const statuses = (await Promise.all([...writes, del])).map((r) => r.status);
      expect(statuses.pop()).toBe(204);
      for (const s of statuses) expect([200, 404]).toContain(s);
      expect((await api(`/api/v1/runs/${runId}/events`)).status).toBe(404);
    }
  });

  it('checks the body: 415 for non-JSON, 400 for malformed JSON, 413 past 5 MiB', async () => {
    const runId = await newRun(api);
    const path = `/api/v1/runs/${runId}/events`;
    const text = await api(path, { method: 'POST', body: '{}', headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(415);
    expect((await text.json()).error.code).toBe('unsupported_media_type');
    expect((await api(path, { method: 'POST', body: '{"events":[' })).status).toBe(400);
    const huge = await api(path, {
      method: 'POST',
      body: { events: [{ seq: 0, type: 'x', payload: { t: 'a'.repeat(6 * 1024 * 1024) } }] },
    });
    expect(huge.status).toBe(413);
    expect((await huge.json()).error.code).toBe('payload_too_large');
  });

  it('logged no unhandled error (no 500 was answered)', () => {
    expect(server().logs()).not.toContain('unhandled API error');
    // The body checks catch what the database would refuse before the driver's safety net has to.
    expect(server().logs()).not.toContain('database refused a value');
  });
});
