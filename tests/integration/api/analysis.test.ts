import { parse } from 'csv-parse/sync';
import { expect, it } from 'vitest';
import { describeEachServer } from '../../helpers/shared-server';

describeEachServer('API search, metadata filters and export', ({ api }) => {
  it('finds runs by content and by meta.<key>=<value>, and exports the same filtered list', async () => {
    const tag = `t${Date.now()}`;
    const make = async (name: string, metadata: Record<string, unknown>, text: string) => {
      const { run } = await (
        await api('/api/v1/runs', { method: 'POST', body: { name, metadata, tags: [tag] } })
      ).json();
      const res = await api(`/api/v1/runs/${run.id}/events`, {
        method: 'POST',
        body: { events: [{ seq: 0, type: 'user-message', payload: { text } }] },
      });
      expect(res.status).toBe(200);
      return run.id as string;
    };
    const a = await make('alpha, "one"', { env: 'prod', n: 1 }, 'the parrot sings');
    await make('beta', { env: 'dev' }, 'the crow sings');
    const list = async (qs: string) =>
      (await (await api(`/api/v1/runs?tag=${tag}&${qs}`)).json()).data.map((r: { name: string }) => r.name);
    expect(await list('q=parrot')).toEqual(['alpha, "one"']);
    expect((await list('q=sings')).sort()).toEqual(['alpha, "one"', 'beta']);
    expect(await list('meta.env=prod')).toEqual(['alpha, "one"']);
    expect(await list('meta.n=1&q=sings')).toEqual(['alpha, "one"']);
    expect(await list('meta.env=staging')).toEqual([]);

    const bad = await api(`/api/v1/runs?meta.${encodeURIComponent('a b')}=x`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe('bad_request');
    expect((await api('/api/v1/runs?unknown=1')).status).toBe(400);

    const csv = await api(`/api/v1/runs/export?format=csv&tag=${tag}&meta.env=prod`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const [header, ...rows] = parse(await csv.text()) as string[][];
    expect(header![1]).toBe('name');
    expect(rows.map((r) => [r[0], r[1]])).toEqual([[a, 'alpha, "one"']]);

    const jsonl = await api(`/api/v1/runs/export?format=jsonl&events=1&tag=${tag}&q=parrot`);
    const lines = (await jsonl.text())
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0].events.map((e: { type: string }) => e.type)).toEqual(['user-message']);
    expect((await api('/api/v1/runs/export?format=xml')).status).toBe(400);
    expect((await api('/api/v1/runs/export', { key: null })).status).toBe(401);
  });
});
