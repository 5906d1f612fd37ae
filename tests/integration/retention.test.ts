import { sql } from 'drizzle-orm';
import { expect, it, vi } from 'vitest';
import type { DbOrTx } from '@/db/client';
import { queryRows } from '@/db/sql';
import { appendEvents } from '@/server/events';
import { addSection, createReport } from '@/server/reports';
import { getRetention, ledgerCutoff, purgeExpired, putRetention, runRetentionOnce } from '@/server/retention';
import { addResults, listRunModels } from '@/server/runs';
import { createReservation, putQuota, recordUsage } from '@/server/usage';
import { describeEachDb } from '../helpers/db';
import { makeProject, makeRun } from '../helpers/fixtures';
import { rollupMismatches } from '../helpers/usage';

const DAY = 86_400_000;
const NOW = new Date('2026-03-20T12:00:00.000Z');

async function count(db: DbOrTx, query: ReturnType<typeof sql>): Promise<number> {
  const [row] = await queryRows<{ n: number }>(db, query);
  return Number(row!.n);
}

/** A run of `events` events, `results` results and a report with two sections and a branch report. */
async function runWithRows(
  db: DbOrTx,
  projectId: string,
  createdAt: Date,
  opts: { events: number; results?: number; model?: string },
) {
  const run = await makeRun(db, projectId, { model: opts.model ?? 'gpt-test' });
  await db.execute(
    sql`update runs set created_at = ${createdAt.toISOString()}::timestamptz where id = ${run.id}::uuid`,
  );
  if (opts.events > 0) {
    await appendEvents(
      db,
      projectId,
      run.id,
      Array.from({ length: opts.events }, (_, seq) => ({ seq, type: 'text-delta', payload: { seq } })),
    );
  }
  if (opts.results) {
    const at = new Date().toISOString();
    await addResults(
      db,
      projectId,
      run.id,
      Array.from({ length: opts.results }, (_, i) => ({
        itemId: `item-${i}`,
        input: i,
        latencyMs: 1,
        startedAt: at,
        completedAt: at,
      })),
    );
  }
  const { report } = await createReport(db, projectId, run.id, { title: 'R' });
  await addSection(db, projectId, report.id, { heading: 'a', body: 'x' });
  await addSection(db, projectId, report.id, { heading: 'b', body: 'y' });
  const branch = await createReport(db, projectId, run.id, {
    title: 'B',
    branch: 'b1',
    parentReportId: report.id,
  });
  await addSection(db, projectId, branch.report.id, { heading: 'c', body: 'z' });
  return run;
}

const rowsOfRun = (db: DbOrTx, runId: string) =>
  Promise.all([
    count(db, sql`select count(*)::int as n from runs where id = ${runId}::uuid`),
    count(db, sql`select count(*)::int as n from run_events where run_id = ${runId}::uuid`),
    count(db, sql`select count(*)::int as n from run_results where run_id = ${runId}::uuid`),
    count(db, sql`select count(*)::int as n from reports where run_id = ${runId}::uuid`),
    count(
      db,
      sql`select count(*)::int as n from report_sections s join reports r on r.id = s.report_id
          where r.run_id = ${runId}::uuid`,
    ),
  ]);

describeEachDb('retention', ({ db }) => {
  it('keeps runs forever and the ledger 400 days until a project says otherwise', async () => {
    const p = await makeProject(db());
    expect(await getRetention(db(), p.id)).toEqual({ runDays: null, usageDays: 400, updatedAt: null });
    const put = await putRetention(db(), p.id, { runDays: 30, usageDays: 90 });
    expect(put).toMatchObject({ runDays: 30, usageDays: 90 });
    expect(await getRetention(db(), p.id)).toEqual(put);
    await putRetention(db(), p.id, { runDays: null, usageDays: 1 });
    expect(await getRetention(db(), p.id)).toMatchObject({ runDays: null, usageDays: 1 });
    // Another project keeps its defaults.
    const other = await makeProject(db());
    expect((await getRetention(db(), other.id)).runDays).toBeNull();
  });

  it('refuses settings out of range and changes nothing', async () => {
    const p = await makeProject(db());
    await putRetention(db(), p.id, { runDays: 7, usageDays: 30 });
    const bad: unknown[] = [
      { runDays: 0, usageDays: 30 },
      { runDays: 7, usageDays: 0 },
      { runDays: 7, usageDays: 36_501 },
      { runDays: 1.5, usageDays: 30 },
      { runDays: '7', usageDays: 30 },
      { runDays: 7, usageDays: null },
      { runDays: 7 },
      { runDays: 7, usageDays: 30, extra: true },
    ];
    for (const input of bad) {
      await expect(putRetention(db(), p.id, input as never)).rejects.toMatchObject({ code: 'bad_request' });
    }
    expect(await getRetention(db(), p.id)).toMatchObject({ runDays: 7, usageDays: 30 });
  });

  it('deletes exactly the expired runs with their events, results and reports, in batches', async () => {
    const p = await makeProject(db());
    const keep = await makeProject(db());
    await putRetention(db(), p.id, { runDays: 30, usageDays: 400 });
    const old1 = await runWithRows(db(), p.id, new Date(NOW.getTime() - 40 * DAY), {
      events: 25,
      results: 3,
      model: 'old-model',
    });
    const old2 = await runWithRows(db(), p.id, new Date(NOW.getTime() - 30 * DAY - 1000), { events: 7 });
    const fresh = await runWithRows(db(), p.id, new Date(NOW.getTime() - 30 * DAY + 60_000), { events: 5 });
    const elsewhere = await runWithRows(db(), keep.id, new Date(NOW.getTime() - 100 * DAY), { events: 4 });
    // A ledger row of an expired run outlives it (the ledger has its own retention).
    await recordUsage(
      db(),
      p.id,
      { subject: 'u', metric: 'tokens', amount: 5, runId: old1.id },
      { now: NOW },
    );
    // So do its reservation and a child run that has not expired: they forget the run.
    await createReservation(db(), p.id, { subject: 'u', metric: 'tokens', amount: 1, runId: old1.id });
    const child = await makeRun(db(), p.id, { parentRunId: old1.id });
    expect(await listRunModels(db(), p.id)).toEqual(['gpt-test', 'old-model']);

    const [result] = await purgeExpired(db(), { now: NOW, batchSize: 10, projectId: p.id });
    expect(result).toMatchObject({ runs: 2, events: 32, results: 3, reports: 4, reportSections: 6 });
    // 32 events in batches of at most 10 take at least 4 statements; so do the other tables.
    expect(result!.batches).toBeGreaterThanOrEqual(4 + 1 + 1 + 1 + 1 + 1);

    for (const run of [old1, old2]) expect(await rowsOfRun(db(), run.id)).toEqual([0, 0, 0, 0, 0]);
    expect(await rowsOfRun(db(), fresh.id)).toEqual([1, 5, 0, 2, 3]);
    expect(await rowsOfRun(db(), elsewhere.id)).toEqual([1, 4, 0, 2, 3]);
    expect(
      await count(
        db(),
        sql`select count(*)::int as n from usage_events where project_id = ${p.id}::uuid and run_id is null`,
      ),
    ).toBe(1);
    const [held] = await queryRows<{ run_id: string | null }>(
      db(),
      sql`select run_id from usage_reservations where project_id = ${p.id}::uuid`,
    );
    expect(held).toEqual({ run_id: null });
    const [kept] = await queryRows<{ parent_run_id: string | null }>(
      db(),
      sql`select parent_run_id from runs where project_id = ${p.id}::uuid and id = ${child.id}::uuid`,
    );
    expect(kept).toEqual({ parent_run_id: null });
    expect(await listRunModels(db(), p.id)).toEqual(['gpt-test']);

    // A second pass finds nothing.
    const [again] = await purgeExpired(db(), { now: NOW, batchSize: 10, projectId: p.id });
    expect(again).toMatchObject({ runs: 0, events: 0, batches: 0 });
  });

  it('cuts the ledger by whole UTC days, never inside the current month, and trims the daily and hourly rollups', async () => {
    const p = await makeProject(db());
    await putRetention(db(), p.id, { runDays: null, usageDays: 25 });
    const at = (iso: string) => new Date(iso);
    // Cutoff: start of the UTC day 25 days before NOW = 2026-02-23T00:00Z.
    expect(ledgerCutoff(NOW, 25).toISOString()).toBe('2026-02-23T00:00:00.000Z');
    const times = [
      '2026-02-01T10:00:00Z',
      '2026-02-22T23:59:59Z',
      '2026-02-23T00:00:00Z',
      '2026-03-19T08:00:00Z',
    ];
    for (const [i, t] of times.entries()) {
      for (let k = 0; k < 3; k++) {
        await recordUsage(
          db(),
          p.id,
          { subject: `s${k}`, metric: 'tokens', amount: 10 + i, model: 'm' },
          { now: at(t) },
        );
      }
    }
    const [r] = await purgeExpired(db(), { now: NOW, batchSize: 4, projectId: p.id });
    expect(r!.ledger).toBe(6);
    expect(r!.dailyRollups).toBe(6);
    expect(r!.hourlyRollups).toBe(6);
    const left = await queryRows<{ occurred_at: Date | string }>(
      db(),
      sql`select occurred_at from usage_events where project_id = ${p.id}::uuid order by occurred_at`,
    );
    expect(left.map((x) => new Date(x.occurred_at).toISOString())).toEqual([
      ...Array(3).fill('2026-02-23T00:00:00.000Z'),
      ...Array(3).fill('2026-03-19T08:00:00.000Z'),
    ]);
    // The rollup still equals the ledger.
    const ledger = await count(
      db(),
      sql`select coalesce(sum(amount), 0)::int as n from usage_events where project_id = ${p.id}::uuid`,
    );
    const daily = await count(
      db(),
      sql`select coalesce(sum(total), 0)::int as n from usage_daily where project_id = ${p.id}::uuid`,
    );
    expect(daily).toBe(ledger);
    expect(await rollupMismatches(db(), p.id)).toEqual([]);

    // usageDays 1 on the 20th would cut the 19th, but the month window started on the 1st: kept.
    await recordUsage(
      db(),
      p.id,
      { subject: 's0', metric: 'tokens', amount: 1 },
      { now: at('2026-03-02T00:00:00Z') },
    );
    await putRetention(db(), p.id, { runDays: null, usageDays: 1 });
    expect(ledgerCutoff(NOW, 1).toISOString()).toBe('2026-03-01T00:00:00.000Z');
    const [r2] = await purgeExpired(db(), { now: NOW, projectId: p.id });
    // Only February goes: the three rows of the 23rd.
    expect(r2!.ledger).toBe(3);
    expect(
      await count(
        db(),
        sql`select count(*)::int as n from usage_events where project_id = ${p.id}::uuid and occurred_at >= '2026-03-01'`,
      ),
    ).toBe(4);
    expect(r2!.hourlyRollups).toBe(3);
    expect(await rollupMismatches(db(), p.id)).toEqual([]);
  });

  it('prunes counters of ended windows and never a current one', async () => {
    const p = await makeProject(db());
    for (const window of ['minute', 'hour', 'day', 'month'] as const) {
      await putQuota(db(), p.id, { subject: '*', metric: 'tokens', window, limit: 1_000_000, mode: 'hard' });
    }
    // Last month, earlier today, and now: each record writes one counter per window.
    for (const t of ['2026-02-27T09:00:00Z', '2026-03-20T09:30:00Z', '2026-03-20T11:59:30Z']) {
      await recordUsage(db(), p.id, { subject: 'alice', metric: 'tokens', amount: 1 }, { now: new Date(t) });
    }
    const counters = () =>
      queryRows<{ w: string; window_start: Date | string; used: number }>(
        db(),
        sql`select period::text as w, window_start, used::int from usage_counters
            where project_id = ${p.id}::uuid order by period, window_start`,
      );
    expect(await counters()).toHaveLength(3 + 3 + 2 + 2);
    // At 12:00:20 the minute 11:59 ended 20 s ago: within the grace, kept.
    const [r] = await purgeExpired(db(), { now: new Date('2026-03-20T12:00:20Z'), projectId: p.id });
    expect(r!.counters).toBe(2 + 2 + 1 + 1);
    const left = (await counters()).map((c) => [c.w, new Date(c.window_start).toISOString(), Number(c.used)]);
    expect(left).toEqual([
      ['minute', '2026-03-20T11:59:00.000Z', 1],
      ['hour', '2026-03-20T11:00:00.000Z', 1],
      ['day', '2026-03-20T00:00:00.000Z', 2],
      ['month', '2026-03-01T00:00:00.000Z', 2],
    ]);
  });

  it('marks runs running or queued with no event for the abandon time failed (abandoned), and nothing else', async () => {
    const p = await makeProject(db());
    const run = async (status: 'running' | 'queued' | 'succeeded', idleMs: number) => {
      const r = await makeRun(db(), p.id, { status });
      const at = new Date(NOW.getTime() - idleMs).toISOString();
      await db().execute(sql`update runs set updated_at = ${at}::timestamptz where id = ${r.id}::uuid`);
      return { id: r.id, at };
    };
    const H = 3_600_000;
    const gone = [await run('running', 25 * H), await run('running', 48 * H), await run('queued', 30 * H)];
    const alive = [await run('running', 23 * H), await run('succeeded', 100 * H)];
    // Off unless asked for.
    const [off] = await purgeExpired(db(), { now: NOW, projectId: p.id });
    expect(off!.abandoned).toBe(0);

    const [r] = await purgeExpired(db(), { now: NOW, projectId: p.id, batchSize: 2, abandonAfterHours: 24 });
    expect(r).toMatchObject({ abandoned: 3, runs: 0 });
    const rows = await queryRows<{
      id: string;
      status: string;
      ended_at: string;
      updated_at: string;
      error: unknown;
    }>(
      db(),
      sql`select id, status, ended_at::text, updated_at::text, error from runs where project_id = ${p.id}::uuid`,
    );
    const byId = new Map(rows.map((x) => [x.id, x]));
    for (const g of gone) {
      const row = byId.get(g.id)!;
      expect(row.status).toBe('failed');
      // Ended at its last activity; updated now, so a page watching it refreshes.
      expect(new Date(row.ended_at).toISOString()).toBe(g.at);
      expect(new Date(row.updated_at).toISOString()).toBe(NOW.toISOString());
      expect(row.error).toMatchObject({ type: 'abandoned' });
    }
    expect(alive.map((a) => byId.get(a.id)!.status)).toEqual(['running', 'succeeded']);
    const [again] = await purgeExpired(db(), { now: NOW, projectId: p.id, abandonAfterHours: 24 });
    expect(again!.abandoned).toBe(0);
  });

  it('logs what a pass deleted, one line per project that lost rows', async () => {
    const p = await makeProject(db());
    await putRetention(db(), p.id, { runDays: 1, usageDays: 400 });
    await runWithRows(db(), p.id, new Date(NOW.getTime() - 2 * DAY), { events: 3 });
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await runRetentionOnce(db(), { now: NOW, projectId: p.id });
      const lines = log.mock.calls.map((c) => String(c[0]));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`retention: ${p.slug}: deleted 1 runs (3 events, 0 results, 2 reports)`);
      await runRetentionOnce(db(), { now: NOW, projectId: p.id });
      expect(log.mock.calls).toHaveLength(1);
    } finally {
      log.mockRestore();
    }
  });
});
