import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { describeEachServer } from '../../helpers/shared-server';

describeEachServer('API /runs', ({ api }) => {
  it('creates, reads, lists, patches and deletes a run', async () => {
    const created = await api('/api/v1/runs', {
      method: 'POST',
      body: { name: 'first', userId: 'u1', tags: ['x'] },
    });
    expect(created.status).toBe(201);
    const { run } = await created.json();
    expect(run).toMatchObject({ name: 'first', status: 'running', userId: 'u1', tags: ['x'], eventCount: 0 });
    expect(run.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    expect((await (await api(`/api/v1/runs/${run.id}`)).json()).run.id).toBe(run.id);
    const list = await (await api('/api/v1/runs?userId=u1&limit=10')).json();
    expect(list.data.map((r: { id: string }) => r.id)).toContain(run.id);
    expect(list).toHaveProperty('nextCursor');

    const patched = await api(`/api/v1/runs/${run.id}`, { method: 'PATCH', body: { status: 'succeeded' } });
    expect(patched.status).toBe(200);
    expect((await patched.json()).run.endedAt).not.toBeNull();
    const reopen = await api(`/api/v1/runs/${run.id}`, { method: 'PATCH', body: { status: 'running' } });
    expect(reopen.status).toBe(409);
    expect((await reopen.json()).error.code).toBe('conflict');

    expect((await api(`/api/v1/runs/${run.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await api(`/api/v1/runs/${run.id}`)).status).toBe(404);
  });

  it('answers idempotent retries with 200 and a different body with 409', async () => {
    const id = randomUUID();
    expect((await api('/api/v1/runs', { method: 'POST', body: { id, name: 'a' } })).status).toBe(201);
    expect((await api('/api/v1/runs', { method: 'POST', body: { id, name: 'a' } })).status).toBe(200);
    expect((await api('/api/v1/runs', { method: 'POST', body: { id, name: 'b' } })).status).toBe(409);
  });

  it("refuses foreign or unknown parents and clearing endedAt; another project's id is a new run here", async () => {
    const foreign = (
      await (await api('/api/v1/runs', { method: 'POST', body: { name: 'f' }, project: 'other' })).json()
    ).run;
    for (const parentRunId of [randomUUID(), foreign.id]) {
      const res = await api('/api/v1/runs', { method: 'POST', body: { name: 'child', parentRunId } });
      expect(res.status).toBe(400);
      expect((await res.json()).error.code).toBe('bad_request');
    }
    // Ids are the project's own: the same id here is another run, whatever its body.
    const same = await api('/api/v1/runs', { method: 'POST', body: { id: foreign.id, name: 'mine' } });
    expect(same.status).toBe(201);
    expect((await same.json()).run).toMatchObject({ id: foreign.id, name: 'mine' });
    expect((await (await api(`/api/v1/runs/${foreign.id}`, { project: 'other' })).json()).run.name).toBe('f');

    const done = (
      await (await api('/api/v1/runs', { method: 'POST', body: { name: 'd', status: 'succeeded' } })).json()
    ).run;
    const cleared = await api(`/api/v1/runs/${done.id}`, { method: 'PATCH', body: { endedAt: null } });
    expect(cleared.status).toBe(400);
    expect((await (await api(`/api/v1/runs/${done.id}`)).json()).run.endedAt).toBe(done.endedAt);
  });

  it('refuses bad input with the contract error body', async () => {
    const noKey = await api('/api/v1/runs', { key: null });
    expect(noKey.status).toBe(401);
    expect((await noKey.json()).error.code).toBe('unauthorized');
    expect((await api('/api/v1/runs', { key: `rl_${'x'.repeat(40)}` })).status).toBe(401);

    const malformed = await api('/api/v1/runs', { method: 'POST', body: '{"name":' });
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).error.code).toBe('bad_request');

    const invalid = await api('/api/v1/runs', { method: 'POST', body: { name: '', status: 'nope' } });
    expect(invalid.status).toBe(400);
    const err = (await invalid.json()).error;
    expect(err.details.length).toBeGreaterThanOrEqual(2);

    const text = await api('/api/v1/runs', {
      method: 'POST',
      body: 'name=x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(415);

    const huge = await api('/api/v1/runs', {
      method: 'POST',
      body: JSON.stringify({ name: 'x', input: 'a'.repeat(6 * 1024 * 1024) }),
    });
    expect(huge.status).toBe(413);
    expect((await huge.json()).error.code).toBe('payload_too_large');

    expect((await api('/api/v1/runs?limit=0')).status).toBe(400);
    expect((await api('/api/v1/runs/not-a-uuid')).status).toBe(404);
  });

  it('hides the runs of another project as 404', async () => {
    const { run } = await (await api('/api/v1/runs', { method: 'POST', body: { name: 'mine' } })).json();
    expect((await api(`/api/v1/runs/${run.id}`, { project: 'other' })).status).toBe(404);
    expect((await api(`/api/v1/runs/${run.id}`, { method: 'DELETE', project: 'other' })).status).toBe(404);
    const theirs = await (await api('/api/v1/runs', { project: 'other' })).json();
    // 'other' holds only what its own key created (another test makes one run there), never this run.
    expect(theirs.data.map((r: { id: string; name: string }) => r.name)).toEqual(
      expect.not.arrayContaining(['mine']),
    );
    expect(theirs.data.map((r: { id: string }) => r.id)).not.toContain(run.id);
  });
});
