import { rmSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import type { DbConnection } from '@/db/client';
import { runMigrations } from '@/db/migrate';
import { queryRows } from '@/db/sql';
import { listMonthPartitions, USAGE_EVENTS } from '@/server/partitions/months';
import { deleteRun } from '@/server/runs';
import { recordUsage } from '@/server/usage';
import { migrationsBefore } from '../../scripts/lib/migrations-before';
import { availableDrivers } from '../helpers/db';
import { databaseAtMigrations } from '../helpers/old-schema';

/** The last schema with one unpartitioned usage_events table: the migrations before the partitioning. */
const OLD_MIGRATIONS = migrationsBefore('0028_partition_usage_events');
afterAll(() => rmSync(OLD_MIGRATIONS, { recursive: true, force: true }));

const ledger = (conn: DbConnection) =>
  queryRows<Record<string, unknown>>(
    conn.db,
    sql`select id::text, project_id::text, subject, metric, amount::text, run_id::text, model, idempotency_key,
          occurred_at::text as occurred_at
        from usage_events order by id`,
  );

const rollups = (conn: DbConnection) =>
  Promise.all([
    queryRows(
      conn.db,
      sql`select project_id::text, metric, day::text, subject, model, total::text from usage_daily order by 1, 2, 3, 4, 5`,
    ),
    queryRows(
      conn.db,
      sql`select project_id::text, metric, hour::text, subject, total::text from usage_hourly order by 1, 2, 3, 4`,
    ),
  ]);

for (const driver of availableDrivers()) {
  describe(`usage_events moves into monthly partitions [${driver}]`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterAll(async () => {
      for (const c of cleanups) await c();
    });

    it('keeps every ledger row and rollup; stored idempotency answers are still given', async () => {
      const { conn, drop } = await databaseAtMigrations(driver, OLD_MIGRATIONS, 'ledgerpart');
      cleanups.push(async () => {
        await conn.close();
        await drop();
      });
      const db = conn.db;
      const [a, b] = await queryRows<{ id: string }>(
        db,
        sql`insert into projects (slug, name) values ('a', 'A'), ('b', 'B') returning id::text`,
      );
      const [run] = await queryRows<{ id: string }>(
        db,
        sql`insert into runs (project_id, name) values (${a!.id}::uuid, 'r') returning id::text`,
      );
      const answer = { allowed: true, windows: [] };
      // Through the old table's own trigger: its rollups are what the migration must leave as they are.
      await db.execute(sql`insert into usage_events
          (project_id, subject, metric, amount, run_id, model, idempotency_key, response, occurred_at) values
          (${a!.id}::uuid, 'u1', 'tokens', 10, ${run!.id}::uuid, 'm', 'k1', ${JSON.stringify(answer)}::jsonb, '2025-11-03T10:00:00Z'),
          (${a!.id}::uuid, 'u1', 'tokens', 5, null, null, null, null, '2025-11-30T23:59:59.999Z'),
          (${a!.id}::uuid, 'u2', 'cost_micros', 700, ${run!.id}::uuid, 'm', 'k2', null, '2026-01-01T00:00:00Z'),
          (${b!.id}::uuid, 'u1', 'tokens', 3, null, null, 'k1', ${JSON.stringify(answer)}::jsonb, '2026-01-15T00:00:00Z')`);
      const before = await ledger(conn);
      const rollupsBefore = await rollups(conn);
      expect(before).toHaveLength(4);

      await runMigrations(conn);

      expect(await ledger(conn)).toEqual(before);
      expect(await rollups(conn)).toEqual(rollupsBefore);
      const where = await queryRows<{ p: string; n: number }>(
        db,
        sql`select tableoid::regclass::text as p, count(*)::int as n from usage_events group by 1 order by 1`,
      );
      expect(where).toEqual([
        { p: 'usage_events_p2025_11', n: 2 },
        { p: 'usage_events_p2026_01', n: 2 },
      ]);
      const months = (await listMonthPartitions(db, USAGE_EVENTS)).map((p) => p.name);
      expect(months).toEqual(expect.arrayContaining(['usage_events_p2025_11', 'usage_events_p2026_01']));
      expect(months.length).toBeGreaterThanOrEqual(5);
      const keys = await queryRows(
        db,
        sql`select project_id::text, key, response, created_at::text from usage_idempotency order by 1, 2`,
      );
      expect(keys).toHaveLength(3);

      // A retry of a key recorded before the migration gets its stored answer, and writes nothing.
      const retry = await recordUsage(db, a!.id, {
        subject: 'u1',
        metric: 'tokens',
        amount: 10,
        idempotencyKey: 'k1',
      });
      expect(retry).toEqual(answer);
      expect(await ledger(conn)).toHaveLength(4);
      // New rows get new ids (the sequence continues) and are rolled up by the trigger.
      await recordUsage(db, a!.id, { subject: 'u1', metric: 'tokens', amount: 2, idempotencyKey: 'k3' });
      const after = await ledger(conn);
      expect(after).toHaveLength(5);
      expect(Number(after[4]!.id)).toBeGreaterThan(Number(before[3]!.id));
      const [daily] = await queryRows<{ n: number }>(
        db,
        sql`select sum(total)::int as n from usage_daily where project_id = ${a!.id}::uuid and metric = 'tokens'`,
      );
      expect(daily!.n).toBe(17);
      // Deleting the run clears run_id on its ledger rows (the partitioned table keeps its foreign key).
      await deleteRun(db, a!.id, run!.id);
      const [linked] = await queryRows<{ n: number }>(
        db,
        sql`select count(*)::int as n from usage_events where run_id is not null`,
      );
      expect(linked!.n).toBe(0);
      // Two whole migration runs from an empty PGlite (WASM): slow on a loaded machine.
    }, 240_000);
  });
}
