import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { DbOrTx } from '@/db/client';
import { queryRows } from '@/db/sql';
import { onUsageEventsAccepted } from '@/server/events/usage-hook';
import { ensureMonthPartitions, listMonthPartitions, USAGE_EVENTS } from '@/server/partitions/months';
import { purgeExpired, putRetention } from '@/server/retention';
import { deleteRun } from '@/server/runs';
import { putQuota, recordRunUsage, recordUsage } from '@/server/usage';
import { describeEachDb } from '../helpers/db';
import { makeProject, makeRun } from '../helpers/fixtures';
import { counterMismatches } from '../helpers/usage';

const NOW = new Date('2026-03-20T12:00:00.000Z');

async function count(db: DbOrTx, query: ReturnType<typeof sql>): Promise<number> {
  const [row] = await queryRows<{ n: number }>(db, query);
  return Number(row!.n);
}

const monthsOf = async (db: DbOrTx) => (await listMonthPartitions(db, USAGE_EVENTS)).map((p) => p.name);

const partitionsOf = async (db: DbOrTx, projectId: string) =>
  queryRows<{ p: string; n: number }>(
    db,
    sql`select tableoid::regclass::text as p, count(*)::int as n from usage_events
        where project_id = ${projectId}::uuid group by 1 order by 1`,
  );

const dailyTotal = (db: DbOrTx, projectId: string) =>
  count(
    db,
    sql`select coalesce(sum(total), 0)::int as n from usage_daily where project_id = ${projectId}::uuid`,
  );

/** One ledger row at `at` (no quota: recorded as given). */
const recordAt = (db: DbOrTx, projectId: string, at: string, amount: number, idempotencyKey?: string) =>
  recordUsage(
    db,
    projectId,
    { subject: 'u', metric: 'tokens', amount, idempotencyKey },
    { now: new Date(at) },
  );

describeEachDb('usage_events partitions', ({ db }) => {
  it('a retry with the same idempotency key in the next month is answered with the first answer', async () => {
    await ensureMonthPartitions(db(), USAGE_EVENTS, NOW);
    const p = await makeProject(db());
    await putQuota(db(), p.id, { subject: '*', metric: 'tokens', window: 'month', limit: 100 });
    const first = await recordAt(db(), p.id, '2026-03-31T23:59:59.900Z', 7, 'k-boundary');
    expect(first.windows[0]).toMatchObject({ window: 'month', used: 7, remaining: 93 });
    // In April the month window is new: a second record would answer used 7 of April's window.
    const retry = await recordAt(db(), p.id, '2026-04-01T00:00:00.100Z', 7, 'k-boundary');
    expect(retry).toEqual(first);
    expect(await partitionsOf(db(), p.id)).toEqual([{ p: 'usage_events_p2026_03', n: 1 }]);
    expect(
      await count(
        db(),
        sql`select count(*)::int as n from usage_idempotency where project_id = ${p.id}::uuid`,
      ),
    ).toBe(1);
    // A run's usage events, redelivered a month later, count once too.
    const run = await makeRun(db(), p.id, { userId: 'u' });
    const usage = {
      runId: run.id,
      userId: 'u',
      inputTokens: 3,
      outputTokens: 2,
      idempotencyKey: `run:${run.id}`,
    };
    await recordRunUsage(db(), p.id, usage, { now: new Date('2026-03-31T23:00:00Z') });
    await recordRunUsage(db(), p.id, usage, { now: new Date('2026-04-02T00:00:00Z') });
    // The batch path of a run's usage events (its keys taken in usage_idempotency), delivered twice.
    const accepted = {
      projectId: p.id,
      runId: run.id,
      userId: 'u',
      events: [{ seq: 0, inputTokens: 1, outputTokens: 1 }],
    };
    await onUsageEventsAccepted(db(), accepted);
    await onUsageEventsAccepted(db(), accepted);
    // A key twice within one batch counts once as well.
    await onUsageEventsAccepted(db(), {
      ...accepted,
      events: [
        { seq: 1, inputTokens: 4, outputTokens: 0 },
        { seq: 1, inputTokens: 4, outputTokens: 0 },
      ],
    });
    expect(
      await count(db(), sql`select sum(amount)::int as n from usage_events where project_id = ${p.id}::uuid`),
    ).toBe(7 + 5 + 2 + 4);
    expect(await counterMismatches(db(), p.id)).toEqual([]);
  });

  it('a row of a month without a partition lands in the default partition and moves at the next check', async () => {
    const p = await makeProject(db());
    await recordAt(db(), p.id, '1991-01-15T10:00:00.000Z', 4, 'k-old');
    await recordAt(db(), p.id, '2091-06-30T23:59:59.999Z', 6);
    expect(await partitionsOf(db(), p.id)).toEqual([{ p: 'usage_events_default', n: 2 }]);
    const rollups = await dailyTotal(db(), p.id);
    expect(rollups).toBe(10);

    const made = await ensureMonthPartitions(db(), USAGE_EVENTS, NOW);
    expect(made).toEqual(expect.arrayContaining(['usage_events_p1991_01', 'usage_events_p2091_06']));
    expect(await partitionsOf(db(), p.id)).toEqual([
      { p: 'usage_events_p1991_01', n: 1 },
      { p: 'usage_events_p2091_06', n: 1 },
    ]);
    expect(await count(db(), sql`select count(*)::int as n from usage_events_default`)).toBe(0);
    // The move fires no rollup again; the months ahead exist; a second check makes nothing.
    expect(await dailyTotal(db(), p.id)).toBe(rollups);
    expect(await monthsOf(db())).toEqual(
      expect.arrayContaining(['usage_events_p2026_03', 'usage_events_p2026_04', 'usage_events_p2026_05']),
    );
    expect(await ensureMonthPartitions(db(), USAGE_EVENTS, NOW)).toEqual([]);
    // The key is still recognised after its row moved.
    const again = await recordAt(db(), p.id, '2026-03-20T00:00:00.000Z', 4, 'k-old');
    expect(again.allowed).toBe(true);
    expect(
      await count(db(), sql`select count(*)::int as n from usage_events where project_id = ${p.id}::uuid`),
    ).toBe(2);
  });

  it('deleting a run clears its ledger rows’ run_id in every month', async () => {
    const p = await makeProject(db());
    const run = await makeRun(db(), p.id, { userId: 'u' });
    await recordUsage(db(), p.id, { subject: 'u', metric: 'calls', amount: 1, runId: run.id }, { now: NOW });
    await recordUsage(
      db(),
      p.id,
      { subject: 'u', metric: 'calls', amount: 1, runId: run.id },
      {
        now: new Date('2026-04-02T00:00:00Z'),
      },
    );
    await deleteRun(db(), p.id, run.id);
    const rows = await queryRows<{ run_id: string | null; project_id: string }>(
      db(),
      sql`select run_id, project_id::text from usage_events where project_id = ${p.id}::uuid`,
    );
    expect(rows).toEqual([
      { run_id: null, project_id: p.id },
      { run_id: null, project_id: p.id },
    ]);
  });

  it('retention drops a ledger month no project keeps, and deletes in batches in a month a project keeps or a cut straddles', async () => {
    // Months of their own, so the other tests' rows share none of them.
    const short = await makeProject(db(), 'short');
    const keeps = await makeProject(db(), 'keeps');
    await putRetention(db(), short.id, { runDays: null, usageDays: 30 });
    await putRetention(db(), keeps.id, { runDays: null, usageDays: 2000 });
    for (let i = 0; i < 30; i++)
      await recordAt(db(), short.id, `2011-01-10T00:00:${String(i).padStart(2, '0')}Z`, 1, `s${i}`);
    for (let i = 0; i < 12; i++)
      await recordAt(db(), short.id, `2021-02-10T00:00:${String(i).padStart(2, '0')}Z`, 1);
    await recordAt(db(), keeps.id, '2021-02-20T00:00:00Z', 5);
    // short's cut is 2026-02-18: February 2026 straddles it.
    await recordAt(db(), short.id, '2026-02-05T00:00:00Z', 2);
    await recordAt(db(), short.id, '2026-02-25T00:00:00Z', 3);
    await ensureMonthPartitions(db(), USAGE_EVENTS, NOW);
    expect(await monthsOf(db())).toEqual(
      expect.arrayContaining(['usage_events_p2011_01', 'usage_events_p2021_02', 'usage_events_p2026_02']),
    );

    const [purged] = await purgeExpired(db(), { now: NOW, projectId: short.id, batchSize: 5 });
    const months = await monthsOf(db());
    expect(months).not.toContain('usage_events_p2011_01');
    expect(months).toContain('usage_events_p2021_02');
    expect(months).toContain('usage_events_p2026_02');
    // The dropped month's 30 rows went with its table; 12 + 1 rows by batched deletes of 5.
    expect(purged).toMatchObject({ ledger: 13 });
    expect(await partitionsOf(db(), short.id)).toEqual([{ p: 'usage_events_p2026_02', n: 1 }]);
    expect(await partitionsOf(db(), keeps.id)).toEqual([{ p: 'usage_events_p2021_02', n: 1 }]);
    // Rollups and idempotency keys are trimmed with the ledger.
    expect(await dailyTotal(db(), short.id)).toBe(3);
    expect(
      await count(
        db(),
        sql`select count(*)::int as n from usage_idempotency where project_id = ${short.id}::uuid`,
      ),
    ).toBe(0);

    // Once the other project's rows expire too, their month is dropped on the next pass.
    await putRetention(db(), keeps.id, { runDays: null, usageDays: 30 });
    await purgeExpired(db(), { now: NOW, projectId: keeps.id });
    expect(await monthsOf(db())).not.toContain('usage_events_p2021_02');
    expect(await partitionsOf(db(), keeps.id)).toEqual([]);
  });
});
