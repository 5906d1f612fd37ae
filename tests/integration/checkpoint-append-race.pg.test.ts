/**
 * An append that lands while a replay checkpoint is being written (the race the run_events statement
 * trigger settled before migration 0031): the checkpoint writer holds the run's row and writes a
 * checkpoint that does not know the appended events; the append waits for the row, and its statement,
 * which began before the checkpoint was committed and cannot see it, must not leave it behind. Real
 * concurrency needs the Postgres server (PGlite runs one statement at a time).
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbConnection } from '@/db/client';
import { queryRows } from '@/db/sql';
import type { EventInput } from '@/lib/contract';
import { appendEvents } from '@/server/events';
import { freshPostgres } from '../helpers/db';
import { makeProject, makeRun } from '../helpers/fixtures';
import { waitFor } from '../helpers/ingest';

const delta = (seq: number): EventInput => ({ seq, type: 'text-delta', payload: { delta: `w${seq} ` } });

describe('an append racing a checkpoint write [postgres]', () => {
  let conn: DbConnection;
  beforeAll(async () => {
    conn = await freshPostgres(4);
  });
  afterAll(async () => {
    await conn?.close();
  });
  const db = () => conn.db;

  const waitingOnLocks = async () => {
    const [row] = await queryRows<{ n: number }>(
      db(),
      sql`select count(*)::int as n from pg_stat_activity
          where datname = current_database() and state = 'active' and wait_event_type = 'Lock'`,
    );
    return Number(row!.n) > 0;
  };

  for (const [name, batch] of [
    ['a plain append (one autocommit statement)', [delta(10)]],
    [
      'an append with usage (a transaction)',
      [delta(10), { seq: 11, type: 'usage', payload: { inputTokens: 3 } }],
    ],
  ] as const) {
    it(`${name} that waited for the checkpoint's writer deletes the checkpoint it outdates`, async () => {
      const p = await makeProject(db());
      const run = await makeRun(db(), p.id, { userId: 'u' });
      await appendEvents(db(), p.id, run.id, [0, 1, 2, 20, 21, 22].map(delta));
      let release!: () => void;
      const gate = new Promise<void>((r) => {
        release = r;
      });
      let held!: () => void;
      const holding = new Promise<void>((r) => {
        held = r;
      });
      // As ensureCheckpoints writes one: the run's row first, then the checkpoint (here at seq 22,
      // folded without the event 10 about to be appended).
      const writer = db().transaction(async (tx) => {
        await tx.execute(
          sql`update runs set updated_at = updated_at where project_id = ${p.id}::uuid and id = ${run.id}::uuid`,
        );
        await tx.execute(sql`insert into run_transcript_checkpoints (project_id, run_id, seq, event_count, keyframe, state)
          values (${p.id}::uuid, ${run.id}::uuid, 22, 6, true, '{}'::jsonb)`);
        held();
        await gate;
      });
      await holding;
      const append = appendEvents(db(), p.id, run.id, [...batch]);
      await waitFor('the append to wait for the run', waitingOnLocks);
      release();
      await writer;
      expect((await append).accepted).toBe(batch.length);
      const left = await queryRows<{ seq: number }>(
        db(),
        sql`select seq from run_transcript_checkpoints where project_id = ${p.id}::uuid and run_id = ${run.id}::uuid`,
      );
      expect(left).toEqual([]);
      const [counts] = await queryRows<{ n: number; event_count: number }>(
        db(),
        sql`select (select count(*) from run_events where project_id = ${p.id}::uuid and run_id = ${run.id}::uuid)::int as n,
                   event_count from runs where project_id = ${p.id}::uuid and id = ${run.id}::uuid`,
      );
      expect(counts).toEqual({ n: 6 + batch.length, event_count: 6 + batch.length });
    }, 60_000);
  }
});
