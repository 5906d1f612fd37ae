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

  /**
   * Creates a child of `parentId` in a transaction left open (its insert holds its key lock on the
   * parent), starts `remove` once the child is inserted, waits until `remove` waits on that lock, then
   * commits the child. Answers the child's id, the remover's result, and the project's runs left.
   */
  async function withHeldChild<T>(projectId: string, parentId: string, remove: () => Promise<T>) {
    const db = conn.db;
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let childId = '';
    const creating = db.transaction(async (tx) => {
      childId = (await createRun(tx, projectId, { name: 'child', parentRunId: parentId })).run.id;
      await held;
    });
    await waitFor('the child inserted', () => childId !== '');
    const removing = remove();
    await waitFor('the delete waiting on the child', async () => {
      const rows = await queryRows(
        db,
        sql`select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
      );
      return rows.length > 0;
    });
    release();
    await creating;
    const result = await removing;
    const left = await queryRows<{ id: string; parent_run_id: string | null }>(
      db,
      sql`select id::text, parent_run_id::text from runs where project_id = ${projectId}::uuid`,
    );
    return { childId, result, left };
  }

  it('waits for the child, then clears its parent and deletes the run', async () => {
    const p = await makeProject(conn.db);
    const parent = await makeRun(conn.db, p.id);
    const { childId, left } = await withHeldChild(p.id, parent.id, () => deleteRun(conn.db, p.id, parent.id));
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
    // Created before the pass and committed after it cleared the run's references (the pass cannot
    // see an uncommitted child): without the lock, the run's delete fails on the child's key.
    const { childId, result, left } = await withHeldChild(p.id, expired.id, () =>
      purgeExpired(db, { now, projectId: p.id }),
    );
    expect(result[0]?.runs).toBe(1);
    expect(left).toEqual([{ id: childId, parent_run_id: null }]);
  }, 60_000);
});
