import { expect, it } from 'vitest';
import { describeEachServer } from '../../helpers/shared-server';

describeEachServer('API /project/retention', ({ api }) => {
  const put = (body: unknown, project?: string) =>
    api('/api/v1/project/retention', { method: 'PUT', body, project });

  it('answers the defaults, then what was put, per project', async () => {
    const first = await api('/api/v1/project/retention');
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ retention: { runDays: null, usageDays: 400, updatedAt: null } });

    const res = await put({ runDays: 30, usageDays: 90 });
    expect(res.status).toBe(200);
    const { retention } = await res.json();
    expect(retention).toMatchObject({ runDays: 30, usageDays: 90 });
    expect(typeof retention.updatedAt).toBe('string');
    expect((await (await api('/api/v1/project/retention')).json()).retention).toEqual(retention);
    // The other project still keeps everything.
    expect(
      (await (await api('/api/v1/project/retention', { project: 'other' })).json()).retention.runDays,
    ).toBe(null);
  });

  it('refuses bad settings with the contract error body and changes nothing', async () => {
    await put({ runDays: 7, usageDays: 60 }, 'other');
    for (const body of [
      { runDays: 0, usageDays: 60 },
      { runDays: 7, usageDays: 36_501 },
      { runDays: 7, usageDays: 2.5 },
      { runDays: 7 },
      { runDays: 7, usageDays: 60, extra: 1 },
      [],
    ]) {
      const res = await put(body, 'other');
      expect(res.status).toBe(400);
      const err = await res.json();
      expect(err.error.code).toBe('bad_request');
      expect(typeof err.error.message).toBe('string');
    }
    const bad = await api('/api/v1/project/retention', {
      method: 'PUT',
      body: 'not json',
      project: 'other',
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.status).toBe(400);
    expect(
      (await (await api('/api/v1/project/retention', { project: 'other' })).json()).retention,
    ).toMatchObject({
      runDays: 7,
      usageDays: 60,
    });
    const post = await api('/api/v1/project/retention', { method: 'POST', body: {} });
    expect(post.status).toBe(405);
    expect((await post.json()).error.code).toBe('method_not_allowed');
    expect((await api('/api/v1/project/retention', { key: null })).status).toBe(401);
  });
});
