import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { DbOrTx } from '@/db/client';
import { queryRows } from '@/db/sql';
import { costPerDay, topUsersByCost } from '@/server/prices';
import { purgeExpired, putRetention } from '@/server/retention';
import { deleteRun, updateRun } from '@/server/runs';
import { describeEachDb } from '../helpers/db';
import { makeProject, makeRun } from '../helpers/fixtures';

/** Cells of run_cost_daily that differ from the runs' own sums (the trigger's invariant). */
async function costRollupMismatches(db: DbOrTx, projectId: string) {
  return queryRows<{ day: string; model: string; user_id: string; want: number; got: number }>(
    db,
    sql`with w as (
          select date_trunc('day', coalesce(started_at, created_at), 'UTC') as day, coalesce(model, '') as model,
            coalesce(user_id, '') as user_id, sum(cost_usd::numeric) as usd, count(*) as runs
          from runs where project_id = ${projectId}::uuid and cost_usd > 0 group by 1, 2, 3
        ),
        g as (select day, model, user_id, usd, runs from run_cost_daily where project_id = ${projectId}::uuid)
        select day::text, model, user_id, coalesce(w.usd, 0)::float8 as want, coalesce(g.usd, 0)::float8 as got
        from w full join g using (day, model, user_id)
        where coalesce(w.usd, 0) <> coalesce(g.usd, 0) or coalesce(w.runs, 0) <> coalesce(g.runs, 0)`,
  );
}

describeEachDb('run cost rollup', ({ db }) => {
  it('follows every run cost, model, user, start and deletion, and the cost charts read it', async () => {
    const p = await makeProject(db());
    const today = new Date(Date.parse(new Date().toISOString().slice(0, 10)));
    const day = (n: number, h = 10) =>
      new Date(today.getTime() - n * 86_400_000 + h * 3_600_000).toISOString();
    const runs = [];
    for (let i = 0; i < 12; i++) {
      runs.push(
        await makeRun(db(), p.id, {
          name: `r${i}`,
          model: i % 3 === 0 ? undefined : `m${i % 3}`,
          userId: i % 4 === 0 ? undefined : `u${i % 4}`,
          startedAt: day(i % 5),
          costUsd: i === 5 ? 0 : 0.1 * (i + 1),
        }),
      );
    }
    expect(await costRollupMismatches(db(), p.id)).toEqual([]);
    // A cost set later, changed, removed; a model and a user set; a start moved to another day.
    await updateRun(db(), p.id, runs[5]!.id, { costUsd: 0.25 });
    await updateRun(db(), p.id, runs[1]!.id, { costUsd: 0.3333 });
    await updateRun(db(), p.id, runs[2]!.id, { costUsd: 0 });
    await updateRun(db(), p.id, runs[3]!.id, { model: 'm9' });
    await db().execute(sql`update runs set user_id = 'u7', started_at = ${day(3, 23)}::timestamptz
      where id = ${runs[6]!.id}::uuid`);
    await db().execute(sql`update runs set cost_usd = cost_usd * 2 where project_id = ${p.id}::uuid`);
    await deleteRun(db(), p.id, runs[7]!.id);
    expect(await costRollupMismatches(db(), p.id)).toEqual([]);
    // Retention deletes old runs through the same triggers.
    await db().execute(
      sql`update runs set created_at = now() - interval '40 days' where id = ${runs[8]!.id}::uuid`,
    );
    await putRetention(db(), p.id, { runDays: 30, usageDays: 400 });
    await purgeExpired(db(), { projectId: p.id });
    expect(await costRollupMismatches(db(), p.id)).toEqual([]);

    // The charts equal the same figures summed from the runs.
    const from = new Date(today.getTime() - 6 * 86_400_000);
    const left = await queryRows<{
      model: string | null;
      user_id: string | null;
      started_at: Date | string;
      cost_usd: number;
    }>(
      db(),
      sql`select model, user_id, coalesce(started_at, created_at) as started_at, cost_usd from runs
          where project_id = ${p.id}::uuid and cost_usd > 0`,
    );
    const sumBy = (key: (r: (typeof left)[number]) => string) => {
      const out: Record<string, Record<string, number>> = {};
      for (const r of left) {
        const d = new Date(r.started_at).toISOString().slice(0, 10);
        out[d] ??= {};
        out[d]![key(r)] = (out[d]![key(r)] ?? 0) + Number(r.cost_usd);
      }
      return out;
    };
    for (const [by, key] of [
      ['model', (r: (typeof left)[number]) => r.model ?? '(none)'],
      ['user', (r: (typeof left)[number]) => r.user_id ?? '(none)'],
    ] as const) {
      const chart = await costPerDay(db(), p.id, from, by);
      const want = sumBy(key);
      expect(chart.days).toHaveLength(7);
      for (const row of chart.rows) {
        const w = want[row.day] ?? {};
        expect(Object.keys(row.byKey).sort(), `${by} ${row.day}`).toEqual(Object.keys(w).sort());
        for (const [k, v] of Object.entries(w))
          expect(row.byKey[k], `${by} ${row.day} ${k}`).toBeCloseTo(v, 9);
      }
      expect([...chart.keys].sort()).toEqual([...new Set(left.map(key))].sort());
    }
    const top = await topUsersByCost(db(), p.id, from);
    const users = new Map<string, { usd: number; runs: number }>();
    for (const r of left.filter((x) => x.user_id)) {
      const u = users.get(r.user_id!) ?? { usd: 0, runs: 0 };
      users.set(r.user_id!, { usd: u.usd + Number(r.cost_usd), runs: u.runs + 1 });
    }
    expect(top.map((t) => t.userId)).toEqual(
      [...users.entries()].sort((a, b) => b[1].usd - a[1].usd || a[0].localeCompare(b[0])).map(([u]) => u),
    );
    for (const t of top) {
      expect(t.usd).toBeCloseTo(users.get(t.userId)!.usd, 9);
      expect(t.runs).toBe(users.get(t.userId)!.runs);
    }
  });
  it('draws the eight users who cost most and sums the rest into "other"', async () => {
    const p = await makeProject(db());
    // Ten users, user_00 the cheapest; two runs of the first on two days.
    for (let u = 0; u < 10; u++) {
      await makeRun(db(), p.id, { name: `r${u}`, userId: `user_0${u}`, costUsd: 0.01 * (u + 1) });
    }
    await makeRun(db(), p.id, { name: 'no user', costUsd: 0.001 });
    const chart = await costPerDay(db(), p.id, new Date(Date.now() - 86_400_000), 'user');
    expect(chart.keys).toEqual([9, 8, 7, 6, 5, 4, 3, 2].map((u) => `user_0${u}`).concat('other'));
    const today = chart.rows.at(-1)!.byKey;
    expect(today.other).toBeCloseTo(0.01 + 0.02 + 0.001, 9);
    expect(today.user_09).toBeCloseTo(0.1, 9);
  });
});
