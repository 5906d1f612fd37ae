import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbConnection } from '@/db/client';
import { queryRows } from '@/db/sql';
import { purgeExpired, putRetention } from '@/server/retention';
import { createRun, deleteRun } from '@/server/runs';
import { freshPostgres } from '../helpers/db';
import { makeProject, makeRun } from '../helpers/fixtures';
import { waitFor } from '../helpers/ingest';

// Two transactions at once need the Postgres server (PGlite runs one statement at a time).
describe('deleting a run while a child run names it [postgres]', () => {
  let conn: DbConnection;
  beforeAll(async () => {
    conn = await freshPostgres(4);
  });
  afterAll(async () => {
    await conn?.close();
  });

  it('waits for the child, then clears its parent and deletes the run', async () => {
    const db = conn.db;
    const p = await makeProject(db);
    const parent = await makeRun(db, p.id);
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let childId = '';
    // The child's insert holds its key lock on the parent until this transaction commits.
    const creating = db.transaction(async (tx) => {
      childId = (await createRun(tx, p.id, { name: 'child', parentRunId: parent.id })).run.id;
      await held;
    });
    await waitFor('the child inserted', () => childId !== '');
    const deleting = deleteRun(db, p.id, parent.id);
    await waitFor('the delete waiting on the child', async () => {
      const rows = await queryRows(
        db,
        sql`select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
      );
      return rows.length > 0;
    });
    release();
    await creating;
    await deleting;
    const left = await queryRows<{ id: string; parent_run_id: string | null }>(
      db,
      sql`select id::text, parent_run_id::text from runs where project_id = ${p.id}::uuid`,
    );
    expect(left).toEqual([{ id: childId, parent_run_id: null }]);
  }, 60_000);
  it('retention: a child created under an expired run after its references were cleared waits, then is detached', async () => {
    const db = conn.db;
    const p = await makeProject(db);
    await putRetention(db, p.id, { runDays: 30, usageDays: 365 });
    const expired = await makeRun(db, p.id);
    const now = new Date();
    await db.execute(
      sql`update runs set created_at = ${new Date(now.getTime() - 90 * 86_400_000).toISOString()}::timestamptz
          where project_id = ${p.id}::uuid and id = ${expired.id}::uuid`,
    );
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let childId = '';
    // Created before the pass and committed after it cleared the run's references (the pass cannot
    // see an uncommitted child): without the lock, the run's delete fails on the child's key.
    const creating = db.transaction(async (tx) => {
      childId = (await createRun(tx, p.id, { name: 'late child', parentRunId: expired.id })).run.id;
      await held;
    });
    await waitFor('the child inserted', () => childId !== '');
    const purging = purgeExpired(db, { now, projectId: p.id });
    await waitFor('the pass waiting on the child', async () => {
      const rows = await queryRows(
        db,
        sql`select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
      );
      return rows.length > 0;
    });
    release();
    await creating;
    const [result] = await purging;
    expect(result?.runs).toBe(1);
    const left = await queryRows<{ id: string; parent_run_id: string | null }>(
      db,
      sql`select id::text, parent_run_id::text from runs where project_id = ${p.id}::uuid`,
    );
    expect(left).toEqual([{ id: childId, parent_run_id: null }]);
  }, 60_000);
});
