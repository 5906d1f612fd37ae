import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { DbOrTx } from '@/db/client';
import { queryRows } from '@/db/sql';
import { putQuota, recordUsage, topSubjects, usageByModelPerDay, usageSeries } from '@/server/usage';
import { subjectUsage } from '@/server/usage/dashboard';
import { LEDGER_RETURNING, ledgerRollupsSql } from '@/server/usage/rollups';
import { describeEachDb } from '../../helpers/db';
import { makeProject } from '../../helpers/fixtures';
import { rollupMismatches } from '../../helpers/usage';

/** What usageSeries answered before the rollups: the ledger summed per bucket over [from, to]. */
async function ledgerSeries(
  db: DbOrTx,
  projectId: string,
  q: { metric: string; subject?: string; from: string; to: string; bucket: 'hour' | 'day' },
) {
  const rows = await queryRows<{ bucket: string | Date; total: number }>(
    db,
    sql`with b as (
          select generate_series(date_trunc(${q.bucket}, ${q.from}::timestamptz, 'UTC'),
            date_trunc(${q.bucket}, ${q.to}::timestamptz, 'UTC'), ${`1 ${q.bucket}`}::interval) as bucket
        ),
        t as (
          select date_trunc(${q.bucket}, occurred_at, 'UTC') as bucket, sum(amount) as total from usage_events
          where project_id = ${projectId}::uuid and metric = ${q.metric}
            ${q.subject ? sql`and subject = ${q.subject}` : sql``}
            and occurred_at >= ${q.from}::timestamptz and occurred_at <= ${q.to}::timestamptz
          group by 1
        )
        select b.bucket, coalesce(t.total, 0)::float8 as total from b left join t using (bucket) order by 1`,
  );
  return rows.map((r) => ({ bucket: new Date(r.bucket).toISOString(), total: Number(r.total) }));
}

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

  it('answers the series from the rollups exactly as the ledger does, for any range', async () => {
    const p = await makeProject(db());
    // Records over four days at uneven times (some on the hour and the day), two subjects, two metrics.
    const t0 = Date.parse('2026-11-20T00:00:00.000Z');
    const values: string[] = [];
    for (let i = 0; i < 120; i++) {
      const ms = t0 + ((i * 2_417_003) % (4 * 86_400_000)) - (i % 7 === 0 ? (i * 1000) % 3_600_000 : 0);
      const at = new Date(i % 11 === 0 ? Math.floor(ms / 3_600_000) * 3_600_000 : ms).toISOString();
      values.push(
        `('${p.id}'::uuid, 's${i % 2}', '${i % 5 === 0 ? 'requests' : 'tokens'}', ${1 + i}, '${at}')`,
      );
    }
    // One statement of many rows, as bulk writers do: its rollups group them.
    await db().execute(
      sql`with ins as (${sql.raw(
        `insert into usage_events (project_id, subject, metric, amount, occurred_at) values ${values.join(',')}`,
      )} returning ${LEDGER_RETURNING}), ${ledgerRollupsSql(p.id, 'ins')} select count(*) from ins`,
    );
    await recordUsage(
      db(),
      p.id,
      { subject: 's1', metric: 'tokens', amount: 1000 },
      at('2026-11-21T00:00:00.000Z'),
    );
    expect(await rollupMismatches(db(), p.id)).toEqual([]);
    const ranges: [string, string][] = [
      ['2026-11-19T22:00:00.000Z', '2026-11-24T02:00:00.000Z'],
      ['2026-11-20T00:00:00.000Z', '2026-11-23T00:00:00.000Z'],
      ['2026-11-20T07:31:12.345Z', '2026-11-22T19:02:59.999Z'],
      ['2026-11-21T00:00:00.000Z', '2026-11-21T00:00:00.000Z'],
      ['2026-11-21T03:10:00.000Z', '2026-11-21T03:50:00.000Z'],
      ['2026-11-21T03:10:00.000Z', '2026-11-21T22:59:00.000Z'],
      ['2026-11-20T23:30:00.000Z', '2026-11-21T00:30:00.000Z'],
    ];
    for (const [from, to] of ranges) {
      for (const bucket of ['hour', 'day'] as const) {
        for (const subject of [undefined, 's1']) {
          const q = { metric: 'tokens', subject, from, to, bucket };
          const got = await usageSeries(db(), p.id, q);
          expect(got.data, JSON.stringify(q)).toEqual(await ledgerSeries(db(), p.id, q));
        }
      }
    }
  });

  it("gives a subject's minute, hour, day and month from the rollups as the ledger sums them", async () => {
    const p = await makeProject(db());
    const now = at('2026-11-23T10:30:30.000Z');
    const rec = (subject: string, metric: string, amount: number, when: string) =>
      recordUsage(db(), p.id, { subject, metric, amount }, { ...at(when), force: true });
    await rec('a', 'tokens', 1, '2026-10-31T23:59:59.000Z'); // last month
    await rec('a', 'tokens', 2, '2026-11-01T00:00:00.000Z'); // this month
    await rec('a', 'tokens', 4, '2026-11-23T00:00:00.000Z'); // today
    await rec('a', 'tokens', 8, '2026-11-23T10:00:00.000Z'); // this hour
    await rec('a', 'tokens', 16, '2026-11-23T10:30:00.000Z'); // this minute
    await rec('b', 'tokens', 32, '2026-11-23T10:30:10.000Z'); // another subject
    await rec('a', 'requests', 1, '2026-11-02T00:00:00.000Z');
    await rec('a', 'old', 5, '2026-10-02T00:00:00.000Z'); // nothing this month, no quota: left out
    await putQuota(db(), p.id, { subject: '*', metric: 'images', window: 'day', limit: 5 }, now);
    const rows = await subjectUsage(db(), p.id, 'a', now);
    expect(rows.map((r) => [r.metric, r.used])).toEqual([
      ['tokens', { minute: 16, hour: 24, day: 28, month: 30 }],
      ['requests', { minute: 0, hour: 0, day: 0, month: 1 }],
      ['images', { minute: 0, hour: 0, day: 0, month: 0 }],
    ]);
    expect(rows.find((r) => r.metric === 'images')!.windows).toHaveLength(1);
  });
});
