/**
 * Reads routed to a real streaming replica: a private primary and a standby built from it with
 * pg_basebackup (temp folders, free ports; never the shared server). A write on the primary shows on
 * the replica once it has caught up; a replica whose replay lags beyond the bound, or that is stopped
 * (before or during a read), leaves reads on the primary with no error. Postgres-only (`*.pg.test.ts`);
 * needs the PostgreSQL server binaries.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectPostgres, type DbConnection } from '@/db/client';
import { runMigrations } from '@/db/migrate';
import { measureLag, ReadRouter } from '@/db/read';
import { pgErrorCode } from '@/db/sql';
import { getRunById } from '@/server/runs';
import { makeProject, makeRun } from '../helpers/fixtures';
import { waitFor } from '../helpers/ingest';
import {
  createPrivatePostgres,
  createPrivateStandby,
  type PrivatePostgres,
} from '../helpers/private-postgres';

describe('read replica [private primary and streaming standby]', () => {
  let primary: PrivatePostgres;
  let standby: PrivatePostgres | undefined;
  let p: DbConnection;
  let r: DbConnection;

  beforeAll(async () => {
    primary = await createPrivatePostgres();
    await primary.start();
    p = connectPostgres(primary.url, 4);
    await runMigrations(p);
    standby = await createPrivateStandby(primary);
    await standby.start();
    r = connectPostgres(standby.url, 4);
  }, 120_000);
  afterAll(async () => {
    await r?.close();
    await p?.close();
    await standby?.destroy();
    await primary?.destroy();
  });

  it('reads the replica once it caught up; a lagging or stopped replica leaves reads on the primary', async () => {
    const router = new ReadRouter(p.db, r.db, { maxLagSeconds: 10, checkEveryMs: 0, timeoutMs: 2000 });
    // A real standby: it refuses writes.
    const refused = await r.db.execute(sql`create table nope (x int)`).catch((e: unknown) => e);
    expect(pgErrorCode(refused)).toBe('25006');

    const project = await makeProject(p.db, 'replica');
    const run = await makeRun(p.db, project.id, { name: 'written on the primary' });
    await waitFor(
      'the replica to replay the write',
      async () => (await getRunById(r.db, project.id, run.id)) !== null,
    );
    expect(await router.db()).toBe(r.db);
    expect((await router.read((db) => getRunById(db, project.id, run.id)))?.name).toBe(
      'written on the primary',
    );
    const state = await router.replicaState();
    expect(state).toEqual({ lagSeconds: expect.any(Number), usable: true });
    expect(state!.lagSeconds).toBeLessThan(10);
    // The user's own write asks for the primary whatever the replica's state.
    expect(await router.db({ primary: true })).toBe(p.db);

    // Replay paused on the standby while the primary writes on: the replica falls behind.
    await r.db.execute(sql`select pg_wal_replay_pause()`);
    const later = await makeRun(p.db, project.id, { name: 'not replayed yet' });
    await waitFor('the replica to lag', async () => (await measureLag(r.db)) > 0.05);
    const strict = new ReadRouter(p.db, r.db, { maxLagSeconds: 0.05, checkEveryMs: 0, timeoutMs: 2000 });
    expect((await strict.replicaState())?.usable).toBe(false);
    expect((await strict.read((db) => getRunById(db, project.id, later.id)))?.name).toBe('not replayed yet');
    expect(await getRunById(r.db, project.id, later.id)).toBeNull();
    await r.db.execute(sql`select pg_wal_replay_resume()`);
    await waitFor(
      'the replica to catch up',
      async () => (await getRunById(r.db, project.id, later.id)) !== null,
    );

    // Stopped after its lag was measured (the router still trusts it): the read fails over to the primary.
    const trusting = new ReadRouter(p.db, r.db, {
      maxLagSeconds: 10,
      checkEveryMs: 3_600_000,
      timeoutMs: 2000,
    });
    expect((await trusting.replicaState())?.usable).toBe(true);
    await standby!.stop();
    expect((await trusting.read((db) => getRunById(db, project.id, run.id)))?.name).toBe(
      'written on the primary',
    );
    expect((await trusting.replicaState())?.usable).toBe(false);
    // Stopped: measured as unreachable, every read on the primary, no error.
    expect(await router.replicaState()).toEqual({ lagSeconds: null, usable: false });
    expect(await router.db()).toBe(p.db);
    expect((await router.read((db) => getRunById(db, project.id, later.id)))?.name).toBe('not replayed yet');
  });
});
