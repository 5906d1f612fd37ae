import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import {
  deleteQuota,
  getQuota,
  getUsage,
  listQuotas,
  putQuota,
  quotaStatus,
  recordUsage,
  updateQuota,
} from '@/server/usage';
import { describeEachDb } from '../../helpers/db';
import { makeProject } from '../../helpers/fixtures';
import { counterMismatches, ledgerTotal, missingCounters } from '../../helpers/usage';

describeEachDb('usage quotas', ({ db }) => {
  it('upserts on subject + metric + window and lists in window order', async () => {
    const p = await makeProject(db());
    const day = await putQuota(db(), p.id, { subject: '*', metric: 'tokens', window: 'day', limit: 100 });
    expect(day).toMatchObject({ subject: '*', metric: 'tokens', window: 'day', limit: 100, mode: 'hard' });
    const again = await putQuota(db(), p.id, {
      subject: '*',
      metric: 'tokens',
      window: 'day',
      limit: 50,
      mode: 'soft',
    });
    expect(again).toMatchObject({ id: day.id, limit: 50, mode: 'soft' });
    await putQuota(db(), p.id, { subject: '*', metric: 'tokens', window: 'minute', limit: 5 });
    const list = await listQuotas(db(), p.id);
    expect(list.map((q) => [q.window, q.limit])).toEqual([
      ['minute', 5],
      ['day', 50],
    ]);
    expect(await getQuota(db(), p.id, day.id)).toMatchObject({ id: day.id, limit: 50 });
    expect(await updateQuota(db(), p.id, day.id, { limit: 70, mode: 'hard' })).toMatchObject({
      limit: 70,
      mode: 'hard',
    });
  });

  it('scopes every quota to its project: another project gets not_found', async () => {
    const a = await makeProject(db());
    const b = await makeProject(db());
    const q = await putQuota(db(), a.id, { subject: 'u1', metric: 'tokens', window: 'hour', limit: 10 });
    await expect(getQuota(db(), b.id, q.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(updateQuota(db(), b.id, q.id, { limit: 1 })).rejects.toMatchObject({ code: 'not_found' });
    await expect(deleteQuota(db(), b.id, q.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(deleteQuota(db(), a.id, randomUUID())).rejects.toMatchObject({ code: 'not_found' });
    expect(await listQuotas(db(), b.id)).toEqual([]);
    await deleteQuota(db(), a.id, q.id);
    await expect(getQuota(db(), a.id, q.id)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('starts a new quota from the usage already in its current window', async () => {
    const p = await makeProject(db());
    const now = new Date('2026-11-23T10:15:00.000Z');
    await putQuota(db(), p.id, { subject: 'u1', metric: 'tokens', window: 'month', limit: 1000 }, { now });
    await recordUsage(db(), p.id, { subject: 'u1', metric: 'tokens', amount: 40 }, { now });
    await recordUsage(db(), p.id, { subject: 'u2', metric: 'tokens', amount: 7 }, { now });
    await putQuota(db(), p.id, { subject: '*', metric: 'tokens', window: 'day', limit: 45 }, { now });
    const u1 = await getUsage(db(), p.id, { subject: 'u1', metric: 'tokens' }, { now });
    expect(u1.windows.map((w) => [w.window, w.used, w.remaining])).toEqual([
      ['day', 40, 5],
      ['month', 40, 960],
    ]);
    await expect(
      recordUsage(db(), p.id, { subject: 'u1', metric: 'tokens', amount: 6 }, { now }),
    ).rejects.toMatchObject({ code: 'quota_exceeded' });
    const u2 = await getUsage(db(), p.id, { subject: 'u2', metric: 'tokens' }, { now });
    expect(u2.windows).toEqual([expect.objectContaining({ window: 'day', used: 7, subject: '*' })]);
  });

  it('a quota deleted and added again counts what was recorded in between', async () => {
    const p = await makeProject(db());
    const now = new Date('2026-11-23T10:15:00.000Z');
    const alice = { subject: 'alice', metric: 'tokens' };
    const quota = { ...alice, window: 'day' as const, limit: 100, mode: 'hard' as const };
    const q = await putQuota(db(), p.id, quota, { now });
    await recordUsage(db(), p.id, { ...alice, amount: 80 }, { now });
    await deleteQuota(db(), p.id, q.id);
    const free = await recordUsage(db(), p.id, { ...alice, amount: 10 }, { now });
    expect(free.windows).toEqual([]);
    await putQuota(db(), p.id, quota, { now });
    expect((await getUsage(db(), p.id, alice, { now })).windows).toEqual([
      expect.objectContaining({ window: 'day', used: 90, remaining: 10 }),
    ]);
    await expect(recordUsage(db(), p.id, { ...alice, amount: 15 }, { now })).rejects.toMatchObject({
      code: 'quota_exceeded',
    });
    expect(await ledgerTotal(db(), p.id)).toEqual({ total: 90, rows: 2 });
    expect(await recordUsage(db(), p.id, { ...alice, amount: 10 }, { now })).toMatchObject({
      windows: [expect.objectContaining({ used: 100, remaining: 0 })],
    });
    expect(await counterMismatches(db(), p.id)).toEqual([]);
    expect(await missingCounters(db(), p.id)).toEqual([]);
  });

  it('reports each quota in its current window with ok / warning / exceeded', async () => {
    const p = await makeProject(db());
    const now = new Date('2026-11-23T10:15:00.000Z');
    await putQuota(db(), p.id, { subject: '*', metric: 'tokens', window: 'day', limit: 100 }, { now });
    await putQuota(db(), p.id, { subject: 'vip', metric: 'tokens', window: 'day', limit: 1000 }, { now });
    await putQuota(
      db(),
      p.id,
      { subject: 'u1', metric: 'requests', window: 'hour', limit: 10, mode: 'soft' },
      { now },
    );
    await recordUsage(db(), p.id, { subject: 'u1', metric: 'tokens', amount: 85 }, { now });
    await recordUsage(db(), p.id, { subject: 'u2', metric: 'tokens', amount: 10 }, { now });
    await recordUsage(db(), p.id, { subject: 'vip', metric: 'tokens', amount: 500 }, { now });
    await recordUsage(db(), p.id, { subject: 'u1', metric: 'requests', amount: 12 }, { now });
    const status = await quotaStatus(db(), p.id, { now });
    const by = (subject: string, metric: string) =>
      status.find((s) => s.quota.subject === subject && s.quota.metric === metric)!;
    expect(by('u1', 'requests')).toMatchObject({
      used: 12,
      remaining: 0,
      percent: 120,
      state: 'exceeded',
      resetAt: '2026-11-23T11:00:00.000Z',
    });
    // The `*` quota shows its busiest subject; vip has its own quota and is not governed by `*`.
    expect(by('*', 'tokens')).toMatchObject({ used: 85, subject: 'u1', state: 'warning', percent: 85 });
    expect(by('vip', 'tokens')).toMatchObject({ used: 500, state: 'ok', percent: 50 });
    expect(status[0]!.state).toBe('exceeded');
  });
});
