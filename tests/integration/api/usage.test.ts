import { randomUUID } from 'node:crypto';
import { expect, it, vi } from 'vitest';
import { describeEachServer } from '../../helpers/shared-server';

type Window = { window: string; limit: number; used: number; remaining: number; resetAt: string };

describeEachServer('API /quotas and /usage', ({ api }) => {
  const put = (body: unknown, project?: string) => api('/api/v1/quotas', { method: 'PUT', body, project });
  const record = (body: unknown, project?: string) => api('/api/v1/usage', { method: 'POST', body, project });
  const usage = async (subject: string, metric: string): Promise<Window[]> => {
    const res = await api(`/api/v1/usage?subject=${encodeURIComponent(subject)}&metric=${metric}`);
    expect(res.status).toBe(200);
    return (await res.json()).windows;
  };

  it('upserts, lists and deletes quotas', async () => {
    const created = await put({ subject: '*', metric: 'q_tokens', window: 'day', limit: 500 });
    expect(created.status).toBe(200);
    const { quota } = await created.json();
    expect(quota).toMatchObject({
      subject: '*',
      metric: 'q_tokens',
      window: 'day',
      limit: 500,
      mode: 'hard',
    });

    // The same subject + metric + window again changes it in place.
    const changed = await put({ subject: '*', metric: 'q_tokens', window: 'day', limit: 800, mode: 'soft' });
    expect(changed.status).toBe(200);
    expect((await changed.json()).quota).toMatchObject({ id: quota.id, limit: 800, mode: 'soft' });

    const list = await (await api('/api/v1/quotas')).json();
    expect(list.data.filter((q: { id: string }) => q.id === quota.id)).toHaveLength(1);
    // Another project sees none of them and cannot delete them.
    expect((await (await api('/api/v1/quotas', { project: 'other' })).json()).data).toEqual([]);
    expect((await api(`/api/v1/quotas/${quota.id}`, { method: 'DELETE', project: 'other' })).status).toBe(
      404,
    );

    expect((await api(`/api/v1/quotas/${quota.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await api(`/api/v1/quotas/${quota.id}`, { method: 'DELETE' })).status).toBe(404);
    expect((await api('/api/v1/quotas/not-a-uuid', { method: 'DELETE' })).status).toBe(404);
    const after = await (await api('/api/v1/quotas')).json();
    expect(after.data.some((q: { id: string }) => q.id === quota.id)).toBe(false);
  });

  it('answers 429 once a deleted and re-added hard quota is full', async () => {
    const quota = { subject: 'alice', metric: 'repro_tokens', window: 'day', limit: 100, mode: 'hard' };
    const first = await put(quota);
    expect(first.status).toBe(200);
    const { id } = (await first.json()).quota;
    expect((await record({ subject: 'alice', metric: 'repro_tokens', amount: 80 })).status).toBe(200);
    expect((await api(`/api/v1/quotas/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await record({ subject: 'alice', metric: 'repro_tokens', amount: 10 })).status).toBe(200);
    expect((await put(quota)).status).toBe(200);
    expect((await usage('alice', 'repro_tokens')).map((w) => [w.window, w.used])).toEqual([['day', 90]]);
    const over = await record({ subject: 'alice', metric: 'repro_tokens', amount: 15 });
    expect(over.status).toBe(429);
    expect((await over.json()).error.code).toBe('quota_exceeded');
    expect((await usage('alice', 'repro_tokens')).map((w) => [w.window, w.used])).toEqual([['day', 90]]);
  });

  it('refuses invalid quotas and missing keys', async () => {
    const bad = await put({ subject: '', metric: 'x', window: 'week', limit: -1, extra: true });
    expect(bad.status).toBe(400);
    const err = (await bad.json()).error;
    expect(err.code).toBe('bad_request');
    expect(err.details.length).toBeGreaterThanOrEqual(3);
    expect((await put({ subject: 'a', metric: 'x', window: 'day', limit: 1.5 })).status).toBe(400);
    expect((await put({ subject: 'a', metric: 'x', window: 'day', limit: 1, mode: 'loose' })).status).toBe(
      400,
    );
    const text = await api('/api/v1/quotas', {
      method: 'PUT',
      body: 'limit=1',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(415);
    for (const [path, method] of [
      ['/api/v1/quotas', 'GET'],
      ['/api/v1/quotas', 'PUT'],
      [`/api/v1/quotas/${randomUUID()}`, 'DELETE'],
      ['/api/v1/usage?subject=a&metric=b', 'GET'],
      ['/api/v1/usage', 'POST'],
      ['/api/v1/usage/series?metric=b', 'GET'],
      ['/api/v1/usage/reservations', 'POST'],
      [`/api/v1/usage/reservations/${randomUUID()}/commit`, 'POST'],
      [`/api/v1/usage/reservations/${randomUUID()}/release`, 'POST'],
    ] as const) {
      const res = await api(path, { method, key: null, body: method === 'GET' ? undefined : {} });
      expect(res.status, `${method} ${path}`).toBe(401);
      expect((await res.json()).error.code).toBe('unauthorized');
    }
  });

  it('records usage within a hard quota and answers 429 with headers past it, recording nothing', async () => {
    await put({ subject: '*', metric: 'r_tokens', window: 'day', limit: 5 });
    const first = await record({ subject: 'alice', metric: 'r_tokens', amount: 3, model: 'gpt-x' });
    expect(first.status).toBe(200);
    const body = await first.json();
    expect(body.allowed).toBe(true);
    expect(body.windows).toEqual([
      expect.objectContaining({ window: 'day', limit: 5, used: 3, remaining: 2, mode: 'hard', subject: '*' }),
    ]);
    expect(new Date(body.windows[0].resetAt).getUTCHours()).toBe(0);

    const over = await record({ subject: 'alice', metric: 'r_tokens', amount: 3 });
    expect(over.status).toBe(429);
    const err = (await over.json()).error;
    expect(err.code).toBe('quota_exceeded');
    expect(err.details.windows).toEqual([
      expect.objectContaining({ window: 'day', limit: 5, used: 3, remaining: 2 }),
    ]);
    const retryAfter = Number(over.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(86_400);
    expect(over.headers.get('ratelimit-limit')).toBe('5');
    expect(over.headers.get('ratelimit-remaining')).toBe('2');
    expect(Number(over.headers.get('ratelimit-reset'))).toBe(retryAfter);
    expect((await usage('alice', 'r_tokens'))[0]).toMatchObject({ used: 3, remaining: 2 });

    // Each subject has its own counter under a `*` quota; the last unit fits exactly.
    expect((await record({ subject: 'bob', metric: 'r_tokens', amount: 5 })).status).toBe(200);
    const exact = await record({ subject: 'alice', metric: 'r_tokens', amount: 2 });
    expect(exact.status).toBe(200);
    expect((await exact.json()).windows[0]).toMatchObject({ used: 5, remaining: 0 });
    expect((await record({ subject: 'alice', metric: 'r_tokens', amount: 1 })).status).toBe(429);
  });

  it('lets a subject quota override `*` and never blocks on a soft quota', async () => {
    await put({ subject: '*', metric: 'o_tokens', window: 'day', limit: 10 });
    await put({ subject: 'vip', metric: 'o_tokens', window: 'day', limit: 1000 });
    expect((await record({ subject: 'vip', metric: 'o_tokens', amount: 500 })).status).toBe(200);
    expect((await record({ subject: 'plain', metric: 'o_tokens', amount: 500 })).status).toBe(429);
    expect(await usage('vip', 'o_tokens')).toEqual([
      expect.objectContaining({ window: 'day', limit: 1000, used: 500, subject: 'vip' }),
    ]);

    await put({ subject: '*', metric: 'o_cost', window: 'month', limit: 10, mode: 'soft' });
    const soft = await record({ subject: 'plain', metric: 'o_cost', amount: 50 });
    expect(soft.status).toBe(200);
    expect((await soft.json()).windows[0]).toMatchObject({ mode: 'soft', used: 50, remaining: 0 });

    // Without any quota the usage is still recorded (and answers no windows).
    const free = await record({ subject: 'plain', metric: 'o_unmetered', amount: 7 });
    expect(free.status).toBe(200);
    expect((await free.json()).windows).toEqual([]);
    expect(await usage('plain', 'o_unmetered')).toEqual([]);
  });

  it('checks an hour and a day quota all or nothing', async () => {
    await put({ subject: '*', metric: 'm_calls', window: 'day', limit: 3 });
    await put({ subject: '*', metric: 'm_calls', window: 'hour', limit: 100 });
    expect((await record({ subject: 's', metric: 'm_calls', amount: 2 })).status).toBe(200);
    const refused = await record({ subject: 's', metric: 'm_calls', amount: 2 });
    expect(refused.status).toBe(429);
    expect((await refused.json()).error.details.blockedBy).toEqual(['day']);
    // The hour window that had room did not take the refused amount either.
    expect((await usage('s', 'm_calls')).map((w) => [w.window, w.used])).toEqual([
      ['hour', 2],
      ['day', 2],
    ]);
  });

  it('answers a retry with the same idempotencyKey with the first answer and records once', async () => {
    await put({ subject: '*', metric: 'i_tokens', window: 'day', limit: 100 });
    const key = `idem-${randomUUID()}`;
    const a = await record({ subject: 'u', metric: 'i_tokens', amount: 10, idempotencyKey: key });
    await record({ subject: 'u', metric: 'i_tokens', amount: 5 });
    const b = await record({ subject: 'u', metric: 'i_tokens', amount: 10, idempotencyKey: key });
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    const first = await a.json();
    expect(await b.json()).toEqual(first);
    expect(first.windows[0].used).toBe(10);
    expect((await usage('u', 'i_tokens'))[0]!.used).toBe(15);
    // The key belongs to its project: another project records its own.
    expect(
      (await record({ subject: 'u', metric: 'i_tokens', amount: 10, idempotencyKey: key }, 'other')).status,
    ).toBe(200);
  });

  it('validates usage bodies and run ids', async () => {
    for (const body of [
      { subject: 'a', metric: 'm', amount: 0 },
      { subject: 'a', metric: 'm', amount: 1.5 },
      { subject: 'a', metric: 'm', amount: -3 },
      { metric: 'm', amount: 1 },
      { subject: 'a', metric: 'm', amount: 1, runId: 'nope' },
      { subject: 'a', metric: 'm', amount: 1, idempotencyKey: '' },
      { subject: 'a', metric: 'm', amount: 1, idempotencyKey: 'k'.repeat(201) },
      { subject: 'a', metric: 'm', amount: 1, surprise: 1 },
    ]) {
      const res = await record(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((await res.json()).error.code).toBe('bad_request');
    }
    expect((await api('/api/v1/usage', { method: 'POST', body: '{"subject":' })).status).toBe(400);
    expect((await api('/api/v1/usage')).status).toBe(400);
    expect((await api('/api/v1/usage?subject=a')).status).toBe(400);

    const missingRun = await record({ subject: 'a', metric: 'v_m', amount: 1, runId: randomUUID() });
    expect(missingRun.status).toBe(404);
    const { run } = await (await api('/api/v1/runs', { method: 'POST', body: { name: 'metered' } })).json();
    expect((await record({ subject: 'a', metric: 'v_m', amount: 1, runId: run.id })).status).toBe(200);
    // A run of another project is not found from this one.
    expect((await record({ subject: 'a', metric: 'v_m', amount: 1, runId: run.id }, 'other')).status).toBe(
      404,
    );
  });

  it('answers series per hour and per day', async () => {
    await record({ subject: 'c', metric: 's_tokens', amount: 40, model: 'a' });
    await record({ subject: 'd', metric: 's_tokens', amount: 2, model: 'b' });
    const hourly = await api('/api/v1/usage/series?metric=s_tokens&bucket=hour');
    expect(hourly.status).toBe(200);
    const { data } = await hourly.json();
    expect(data).toHaveLength(48);
    expect(data.at(-1).total).toBe(42);
    expect(data.slice(0, -1).every((b: { total: number }) => b.total === 0)).toBe(true);

    const daily = await (await api('/api/v1/usage/series?metric=s_tokens&subject=c')).json();
    expect(daily.data).toHaveLength(7);
    expect(daily.data.at(-1).total).toBe(40);

    const from = '2026-01-01T00:00:00.000Z';
    const to = '2026-01-03T12:00:00.000Z';
    const ranged = await (
      await api(`/api/v1/usage/series?metric=s_tokens&bucket=day&from=${from}&to=${to}`)
    ).json();
    expect(ranged.data.map((b: { bucket: string }) => b.bucket)).toEqual([
      '2026-01-01T00:00:00.000Z',
      '2026-01-02T00:00:00.000Z',
      '2026-01-03T00:00:00.000Z',
    ]);

    expect((await api('/api/v1/usage/series?metric=s_tokens&bucket=week')).status).toBe(400);
    expect((await api(`/api/v1/usage/series?metric=s_tokens&from=${to}&to=${from}`)).status).toBe(400);
    expect((await api('/api/v1/usage/series?metric=s_tokens&from=yesterday')).status).toBe(400);
    expect((await api('/api/v1/usage/series')).status).toBe(400);
    const tooLong = await api(
      '/api/v1/usage/series?metric=s_tokens&bucket=hour&from=2000-01-01T00:00:00Z&to=2026-01-01T00:00:00Z',
    );
    expect(tooLong.status).toBe(400);
  });
});

describeEachServer('API /usage/reservations', ({ api }) => {
  const reserve = (body: unknown, project?: string) =>
    api('/api/v1/usage/reservations', { method: 'POST', body, project });
  const commit = (id: string, amount: unknown, project?: string) =>
    api(`/api/v1/usage/reservations/${id}/commit`, { method: 'POST', body: { amount }, project });
  const release = (id: string, project?: string) =>
    api(`/api/v1/usage/reservations/${id}/release`, { method: 'POST', project });
  const used = async (subject: string, metric: string) => {
    const { windows } = await (await api(`/api/v1/usage?subject=${subject}&metric=${metric}`)).json();
    return windows[0].used as number;
  };

  it('holds, commits, releases and refuses past the limit', async () => {
    await api('/api/v1/quotas', {
      method: 'PUT',
      body: { subject: '*', metric: 'llm', window: 'day', limit: 100 },
    });
    const held = await reserve({ subject: 'u', metric: 'llm', amount: 60 });
    expect(held.status).toBe(201);
    const a = await held.json();
    expect(a.reservation).toMatchObject({ subject: 'u', metric: 'llm', amount: 60, status: 'held' });
    expect(Date.parse(a.reservation.expiresAt) - Date.now()).toBeGreaterThan(590_000);
    expect(a.windows[0]).toMatchObject({ window: 'day', used: 60, remaining: 40 });

    const over = await reserve({ subject: 'u', metric: 'llm', amount: 50 });
    expect(over.status).toBe(429);
    expect((await over.json()).error.code).toBe('quota_exceeded');
    expect(over.headers.get('ratelimit-remaining')).toBe('40');
    expect(over.headers.get('retry-after')).toMatch(/^\d+$/);
    // Usage recorded meanwhile counts against the held capacity too.
    expect(
      (await api('/api/v1/usage', { method: 'POST', body: { subject: 'u', metric: 'llm', amount: 41 } }))
        .status,
    ).toBe(429);

    const done = await commit(a.reservation.id, 40);
    expect(done.status).toBe(200);
    const settled = await done.json();
    expect(settled.reservation).toMatchObject({ status: 'committed', committedAmount: 40 });
    expect(settled.overrunBy).toBe(0);
    expect(settled.windows[0]).toMatchObject({ used: 40, remaining: 60 });

    expect((await commit(a.reservation.id, 40)).status).toBe(409);
    const relAfterCommit = await release(a.reservation.id);
    expect(relAfterCommit.status).toBe(409);
    expect((await relAfterCommit.json()).error.code).toBe('conflict');

    const b = await (await reserve({ subject: 'u', metric: 'llm', amount: 50 })).json();
    expect(await used('u', 'llm')).toBe(90);
    const released = await release(b.reservation.id);
    expect(released.status).toBe(200);
    expect((await released.json()).reservation.status).toBe('released');
    expect(await used('u', 'llm')).toBe(40);
    expect((await release(b.reservation.id)).status).toBe(409);
    expect((await commit(b.reservation.id, 1)).status).toBe(409);

    // An actual amount above the hold is recorded in full, past the limit, and the answer says so.
    const c = await (await reserve({ subject: 'u', metric: 'llm', amount: 50 })).json();
    const overrun = await (await commit(c.reservation.id, 75)).json();
    expect(overrun.overrunBy).toBe(25);
    expect(overrun.windows[0]).toMatchObject({ used: 115, remaining: 0 });
    expect((await reserve({ subject: 'u', metric: 'llm', amount: 1 })).status).toBe(429);
  });

  it('answers 400 and 404 for bad input and foreign or unknown reservations', async () => {
    for (const body of [
      { subject: 'u', metric: 'x', amount: 0 },
      { subject: 'u', metric: 'x', amount: 1, ttlSeconds: 0 },
      { subject: 'u', metric: 'x', amount: 1, ttlSeconds: 86_401 },
      { subject: 'u', metric: 'x', amount: 1, runId: 'x' },
    ]) {
      expect((await reserve(body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await reserve({ subject: 'u', metric: 'x', amount: 1, runId: randomUUID() })).status).toBe(404);

    const { reservation } = await (await reserve({ subject: 'u', metric: 'x', amount: 5 })).json();
    expect((await commit(reservation.id, -1)).status).toBe(400);
    expect((await commit(reservation.id, 1.5)).status).toBe(400);
    expect(
      (await api(`/api/v1/usage/reservations/${reservation.id}/commit`, { method: 'POST' })).status,
    ).toBe(415);
    expect((await commit(reservation.id, 1, 'other')).status).toBe(404);
    expect((await release(reservation.id, 'other')).status).toBe(404);
    expect((await commit(randomUUID(), 1)).status).toBe(404);
    expect((await release(randomUUID())).status).toBe(404);
    expect((await commit('not-a-uuid', 1)).status).toBe(404);
    // Still held after all of that.
    expect((await release(reservation.id)).status).toBe(200);
  });

  it('returns the first reservation for a retried idempotencyKey', async () => {
    const key = `res-${randomUUID()}`;
    const first = await reserve({ subject: 'k', metric: 'y', amount: 5, idempotencyKey: key });
    const again = await reserve({ subject: 'k', metric: 'y', amount: 5, idempotencyKey: key });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect((await again.json()).reservation).toEqual((await first.json()).reservation);
  });

  it('stops holding capacity once expired; a late commit is still recorded', async () => {
    await api('/api/v1/quotas', {
      method: 'PUT',
      body: { subject: '*', metric: 'exp', window: 'day', limit: 10 },
    });
    const { reservation } = await (
      await reserve({ subject: 'e', metric: 'exp', amount: 10, ttlSeconds: 1 })
    ).json();
    expect((await reserve({ subject: 'e', metric: 'exp', amount: 1 })).status).toBe(429);
    // The server's own clock expires it (a second after creation): wait for that, not a fixed time.
    await vi.waitFor(async () => expect(await used('e', 'exp')).toBe(0), { timeout: 10_000, interval: 100 });
    const late = await commit(reservation.id, 3);
    expect(late.status).toBe(200);
    const body = await late.json();
    expect(body.late).toBe(true);
    expect(body.windows[0].used).toBe(3);
    expect((await release(reservation.id)).status).toBe(409);
  });
});
