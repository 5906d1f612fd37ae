import { expect, it } from 'vitest';
import { putQuota, recordUsage, topSubjects, usageByModelPerDay, usageSeries } from '@/server/usage';
import { describeEachDb } from '../../helpers/db';
import { makeProject } from '../../helpers/fixtures';

const at = (s: string) => ({ now: new Date(s) });

describeEachDb('usage reads', ({ db }) => {
  it('sums the ledger per UTC hour and day bucket, with empty buckets as 0', async () => {
    const p = await makeProject(db());
    const rec = (subject: string, amount: number, when: string, model?: string) =>
      recordUsage(db(), p.id, { subject, metric: 'tokens', amount, model }, at(when));
    await rec('a', 5, '2026-11-21T23:59:59.999Z');
    await rec('a', 7, '2026-11-22T00:00:00.000Z', 'gpt');
    await rec('b', 3, '2026-11-22T01:30:00.000Z', 'claude');
    await rec('a', 10, '2026-11-23T09:00:00.000Z', 'gpt');
    await recordUsage(
      db(),
      p.id,
      { subject: 'a', metric: 'requests', amount: 99 },
      at('2026-11-23T09:00:00.000Z'),
    );
    const days = await usageSeries(db(), p.id, {
      metric: 'tokens',
      bucket: 'day',
      from: '2026-11-20T12:00:00.000Z',
      to: '2026-11-23T12:00:00.000Z',
    });
    expect(days.data).toEqual([
      { bucket: '2026-11-20T00:00:00.000Z', total: 0 },
      { bucket: '2026-11-21T00:00:00.000Z', total: 5 },
      { bucket: '2026-11-22T00:00:00.000Z', total: 10 },
      { bucket: '2026-11-23T00:00:00.000Z', total: 10 },
    ]);
    const hours = await usageSeries(db(), p.id, {
      metric: 'tokens',
      subject: 'a',
      bucket: 'hour',
      from: '2026-11-21T23:00:00.000Z',
      to: '2026-11-22T01:59:00.000Z',
    });
    expect(hours.data.map((d) => d.total)).toEqual([5, 7, 0]);
    await expect(
      usageSeries(db(), p.id, {
        metric: 'tokens',
        bucket: 'hour',
        from: '2026-11-23T00:00:00Z',
        to: '2026-11-22T00:00:00Z',
      }),
    ).rejects.toMatchObject({ code: 'bad_request' });

    const byModel = await usageByModelPerDay(
      db(),
      p.id,
      { metric: 'tokens', days: 3 },
      at('2026-11-23T12:00:00.000Z'),
    );
    expect(byModel.models).toEqual(['gpt', 'unknown', 'claude']);
    expect(byModel.data).toEqual([
      { day: '2026-11-21T00:00:00.000Z', total: 5, byModel: { unknown: 5 } },
      { day: '2026-11-22T00:00:00.000Z', total: 10, byModel: { gpt: 7, claude: 3 } },
      { day: '2026-11-23T00:00:00.000Z', total: 10, byModel: { gpt: 10 } },
    ]);
  });

  it('ranks subjects in the current window with the quota that applies to each', async () => {
    const p = await makeProject(db());
    const now = at('2026-11-23T10:00:00.000Z');
    await putQuota(db(), p.id, { subject: '*', metric: 'tokens', window: 'day', limit: 100 }, now);
    await putQuota(db(), p.id, { subject: 'vip', metric: 'tokens', window: 'day', limit: 10_000 }, now);
    for (const [subject, amount] of [
      ['a', 90],
      ['b', 20],
      ['vip', 500],
    ] as const) {
      await recordUsage(db(), p.id, { subject, metric: 'tokens', amount }, now);
    }
    await recordUsage(
      db(),
      p.id,
      { subject: 'b', metric: 'tokens', amount: 1000 },
      {
        ...at('2026-11-22T10:00:00.000Z'),
        force: true,
      },
    );
    const top = await topSubjects(db(), p.id, { metric: 'tokens', window: 'day', limit: 2 }, now);
    expect(top.resetAt).toBe('2026-11-24T00:00:00.000Z');
    expect(top.data).toEqual([
      {
        subject: 'vip',
        used: 500,
        quota: expect.objectContaining({ subject: 'vip', limit: 10_000, percent: 5, state: 'ok' }),
      },
      {
        subject: 'a',
        used: 90,
        quota: expect.objectContaining({
          subject: '*',
          limit: 100,
          remaining: 10,
          percent: 90,
          state: 'warning',
        }),
      },
    ]);
    const hour = await topSubjects(db(), p.id, { metric: 'tokens', window: 'hour', limit: 10 }, now);
    expect(hour.data.map((d) => [d.subject, d.quota])).toEqual([
      ['vip', null],
      ['a', null],
      ['b', null],
    ]);
  });
});
