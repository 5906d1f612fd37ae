import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { DbOrTx } from '@/db/client';
import { queryRows } from '@/db/sql';
import { deleteRun } from '@/server/runs';
import { createReservation, recordUsage } from '@/server/usage';
import { describeEachDb } from '../helpers/db';
import { makeProject, makeRun } from '../helpers/fixtures';

/** A run with ledger rows in two months, a held reservation and a child run. */
async function runWithReferences(db: DbOrTx, projectId: string, id: string) {
  const run = await makeRun(db, projectId, { id, userId: 'u' });
  const usage = { subject: 'u', metric: 'calls', amount: 1, runId: run.id };
  await recordUsage(db, projectId, usage, { now: new Date('2026-03-20T12:00:00Z') });
  await recordUsage(db, projectId, usage, { now: new Date('2026-04-02T00:00:00Z') });
  await createReservation(db, projectId, usage);
  const child = await makeRun(db, projectId, { parentRunId: run.id });
  return { run, child };
}

/** The run references left in the project: its ledger rows' and reservations' runs, the child's parent. */
async function references(db: DbOrTx, projectId: string, childId: string) {
  const [row] = await queryRows<{ ledger: string[]; held: string[]; parent: string | null }>(
    db,
    sql`select
      (select array_agg(coalesce(run_id::text, '-') order by occurred_at) from usage_events
        where project_id = ${projectId}::uuid) as ledger,
      (select array_agg(coalesce(run_id::text, '-')) from usage_reservations
        where project_id = ${projectId}::uuid) as held,
      (select parent_run_id::text from runs where project_id = ${projectId}::uuid and id = ${childId}::uuid)
        as parent`,
  );
  return row!;
}

describeEachDb('references to a deleted run', ({ db }) => {
  it('deleting a run keeps its ledger rows, reservation and child run, without the run, in its project only', async () => {
    const a = await makeProject(db());
    const b = await makeProject(db());
    const id = randomUUID();
    const mine = await runWithReferences(db(), a.id, id);
    // The same run id in another project, with the same references: untouched.
    const theirs = await runWithReferences(db(), b.id, id);
    const before = await references(db(), b.id, theirs.child.id);
    expect(before).toEqual({ ledger: [id, id], held: [id], parent: id });

    await deleteRun(db(), a.id, id);
    expect(await references(db(), a.id, mine.child.id)).toEqual({
      ledger: ['-', '-'],
      held: ['-'],
      parent: null,
    });
    const left = await queryRows<{ id: string }>(
      db(),
      sql`select id::text from runs where project_id = ${a.id}::uuid`,
    );
    expect(left).toEqual([{ id: mine.child.id }]);
    expect(await references(db(), b.id, theirs.child.id)).toEqual(before);
  });

  it('refuses to delete a run still referenced other than through deleteRun, and changes nothing', async () => {
    const p = await makeProject(db());
    const { run, child } = await runWithReferences(db(), p.id, randomUUID());
    await expect(
      db().execute(sql`delete from runs where project_id = ${p.id}::uuid and id = ${run.id}::uuid`),
    ).rejects.toThrow();
    expect(await references(db(), p.id, child.id)).toEqual({
      ledger: [run.id, run.id],
      held: [run.id],
      parent: run.id,
    });
  });

  it('deleting a project removes its runs and everything that referenced them in one statement', async () => {
    const p = await makeProject(db());
    const other = await makeProject(db());
    await runWithReferences(db(), p.id, randomUUID());
    const kept = await runWithReferences(db(), other.id, randomUUID());
    await db().execute(sql`delete from projects where id = ${p.id}::uuid`);
    const [left] = await queryRows<{ n: number }>(
      db(),
      sql`select (select count(*) from runs where project_id = ${p.id}::uuid)
        + (select count(*) from usage_events where project_id = ${p.id}::uuid)
        + (select count(*) from usage_reservations where project_id = ${p.id}::uuid) as n`,
    );
    expect(Number(left!.n)).toBe(0);
    expect(await references(db(), other.id, kept.child.id)).toEqual({
      ledger: [kept.run.id, kept.run.id],
      held: [kept.run.id],
      parent: kept.run.id,
    });
  });
});
