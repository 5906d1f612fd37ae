import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { DbOrTx } from '@/db/client';
import { queryRows } from '@/db/sql';
import { appendEvents, listEvents } from '@/server/events';
import { ensureEventPartitions, listEventPartitions } from '@/server/events/partitions';
import { purgeExpired, putRetention } from '@/server/retention';
import { describeEachDb } from '../helpers/db';
import { makeProject, makeRun } from '../helpers/fixtures';

const NOW = new Date('2026-03-20T12:00:00.000Z');

async function count(db: DbOrTx, query: ReturnType<typeof sql>): Promise<number> {
  const [row] = await queryRows<{ n: number }>(db, query);
  return Number(row!.n);
}

/** A run created at `at` with `n` events. */
async function runAt(db: DbOrTx, projectId: string, at: string, n: number) {
  const run = await makeRun(db, projectId);
  await db.execute(sql`update runs set created_at = ${at}::timestamptz where id = ${run.id}::uuid`);
  await appendEvents(
    db,
    projectId,
    run.id,
    Array.from({ length: n }, (_, seq) => ({ seq, type: 'text-delta', payload: { seq } })),
  );
  return run;
}

const partitionOf = async (db: DbOrTx, runId: string) =>
  (
    await queryRows<{ p: string }>(
      db,
      sql`select distinct tableoid::regclass::text as p from run_events where run_id = ${runId}::uuid`,
    )
  ).map((r) => r.p);

describeEachDb('run_events partitions', ({ db }) => {
  it('an event of a run far in the past or future is stored (default partition), then moves to its month', async () => {
    const p = await makeProject(db());
    const past = await runAt(db(), p.id, '1990-01-15T00:00:00.000Z', 3);
    const future = await runAt(db(), p.id, '2090-06-30T23:59:59.999Z', 2);
    expect(await partitionOf(db(), past.id)).toEqual(['run_events_default']);
    expect(await partitionOf(db(), future.id)).toEqual(['run_events_default']);

    const made = await ensureEventPartitions(db(), NOW);
    expect(made).toEqual(expect.arrayContaining(['run_events_p1990_01', 'run_events_p2090_06']));
    expect(await partitionOf(db(), past.id)).toEqual(['run_events_p1990_01']);
    expect(await partitionOf(db(), future.id)).toEqual(['run_events_p2090_06']);
    expect(await count(db(), sql`select count(*)::int as n from run_events_default`)).toBe(0);
    // The months ahead of `now` exist; a second check makes nothing.
    const names = (await listEventPartitions(db())).map((x) => x.name);
    expect(names).toEqual(
      expect.arrayContaining(['run_events_p2026_03', 'run_events_p2026_04', 'run_events_p2026_05']),
    );
    expect(await ensureEventPartitions(db(), NOW)).toEqual([]);

    // Reads and appends are unchanged: the same events in order, a stored seq is still a duplicate.
    const page = await listEvents(db(), p.id, past.id, { limit: 10 });
    expect(page.data.map((e) => e.seq)).toEqual([0, 1, 2]);
    const again = await appendEvents(db(), p.id, past.id, [
      { seq: 1, type: 'text-delta', payload: { seq: 1 } },
      { seq: 3, type: 'text-delta', payload: { seq: 3 } },
    ]);
    expect(again).toMatchObject({ accepted: 1, duplicates: 1 });
    await expect(
      appendEvents(db(), p.id, past.id, [{ seq: 0, type: 'text-delta', payload: { other: true } }]),
    ).rejects.toMatchObject({ code: 'conflict' });

    // A run whose created_at changes takes its events to the new month.
    await db().execute(sql`update runs set created_at = '2090-06-01T00:00:00Z' where id = ${past.id}::uuid`);
    expect(await partitionOf(db(), past.id)).toEqual(['run_events_p2090_06']);
    expect((await listEvents(db(), p.id, past.id, { limit: 10 })).data.map((e) => e.seq)).toEqual([
      0, 1, 2, 3,
    ]);
  });

  it('a read of one run names its month: one partition is scanned', async () => {
    const p = await makeProject(db());
    const run = await runAt(db(), p.id, '2090-06-10T00:00:00.000Z', 5);
    await ensureEventPartitions(db(), NOW);
    // A few rows read as fast by a scan: seq scans off, to see that the partition's key serves the read.
    const rows = await db().transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      return queryRows<{ 'QUERY PLAN': string }>(
        tx,
        sql`explain (analyze, costs off, timing off, summary off)
            select seq from run_events
            where run_id = ${run.id}::uuid
              and run_created_at = (select created_at from runs where id = ${run.id}::uuid)
              and seq >= 0 order by seq`,
      );
    });
    const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
    // Every other partition is pruned when the plan runs (never executed), the run's is read by its key.
    const executed = plan
      .split('\n')
      .filter((l) => /on run_events_(p\d{4}_\d{2}|default)/.test(l) && !l.includes('never executed'));
    expect(executed, plan).toHaveLength(1);
    expect(executed[0], plan).toMatch(/Index (Only )?Scan .*on run_events_p2090_06/);
  });

  it('retention drops a month whose runs have all expired and deletes in batches in a month another project keeps', async () => {
    // Old months of their own, so the other tests' runs share none of them.
    const short = await makeProject(db(), 'short');
    const keeps = await makeProject(db(), 'keeps');
    await putRetention(db(), short.id, { runDays: 30, usageDays: 400 });
    const onlyShort = await runAt(db(), short.id, '2020-01-10T00:00:00.000Z', 40);
    const shortShared = await runAt(db(), short.id, '2020-02-10T00:00:00.000Z', 30);
    const kept = await runAt(db(), keeps.id, '2020-02-20T00:00:00.000Z', 20);
    await ensureEventPartitions(db(), NOW);
    const monthsBefore = (await listEventPartitions(db())).map((x) => x.name);
    expect(monthsBefore).toEqual(expect.arrayContaining(['run_events_p2020_01', 'run_events_p2020_02']));

    const [purged] = await purgeExpired(db(), { now: NOW, projectId: short.id, batchSize: 25 });
    const months = (await listEventPartitions(db())).map((x) => x.name);
    expect(months).not.toContain('run_events_p2020_01');
    expect(months).toContain('run_events_p2020_02');
    // The dropped month's events went with its table; the shared month's by batched deletes (30 in 2).
    expect(purged).toMatchObject({ runs: 2, events: 30 });
    for (const r of [onlyShort, shortShared]) {
      expect(await count(db(), sql`select count(*)::int as n from runs where id = ${r.id}::uuid`)).toBe(0);
      expect(
        await count(db(), sql`select count(*)::int as n from run_events where run_id = ${r.id}::uuid`),
      ).toBe(0);
    }
    expect(
      await count(db(), sql`select count(*)::int as n from run_events where run_id = ${kept.id}::uuid`),
    ).toBe(20);

    // Once the other project's run goes too, its month is dropped on the next pass.
    await putRetention(db(), keeps.id, { runDays: 30, usageDays: 400 });
    await purgeExpired(db(), { now: NOW, projectId: keeps.id });
    expect((await listEventPartitions(db())).map((x) => x.name)).not.toContain('run_events_p2020_02');
    expect(await count(db(), sql`select count(*)::int as n from runs where id = ${kept.id}::uuid`)).toBe(0);
  });
});
