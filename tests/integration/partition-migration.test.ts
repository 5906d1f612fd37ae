import { rmSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import type { DbConnection } from '@/db/client';
import { runMigrations } from '@/db/migrate';
import { queryRows } from '@/db/sql';
import { appendEvents, listEvents } from '@/server/events';
import { listEventPartitions } from '@/server/events/partitions';
import { migrationsBefore } from '../../scripts/lib/migrations-before';
import { databaseAtMigrations } from '../helpers/old-schema';
import { availableDrivers } from '../helpers/db';

/** The last schema with one unpartitioned run_events table: the migrations before the partitioning. */
const OLD_MIGRATIONS = migrationsBefore('0024_partition_run_events');
afterAll(() => rmSync(OLD_MIGRATIONS, { recursive: true, force: true }));

const oldDatabase = (driver: 'pglite' | 'postgres') =>
  databaseAtMigrations(driver, OLD_MIGRATIONS, 'partition');

type EventRow = {
  run_id: string;
  seq: number;
  type: string;
  ts: string;
  payload: string;
  created_at: string;
};

const allEvents = (conn: DbConnection) =>
  queryRows<EventRow>(
    conn.db,
    sql`select run_id::text, seq, type, ts::text as ts, payload::text as payload, created_at::text as created_at
        from run_events order by run_id, seq`,
  );

for (const driver of availableDrivers()) {
  describe(`run_events moves into monthly partitions [${driver}]`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterAll(async () => {
      for (const c of cleanups) await c();
    });

    it('keeps every event, in order, with its project and its run’s month; checkpoints stay', async () => {
      const { conn, drop } = await oldDatabase(driver);
      cleanups.push(async () => {
        await conn.close();
        await drop();
      });
      const db = conn.db;
      const [a, b] = await queryRows<{ id: string }>(
        db,
        sql`insert into projects (slug, name) values ('a', 'A'), ('b', 'B') returning id`,
      );
      const runs = await queryRows<{ id: string; project_id: string; created_at: string }>(
        db,
        sql`insert into runs (project_id, name, created_at) values
              (${a!.id}::uuid, 'old', '2025-11-03T10:00:00Z'),
              (${a!.id}::uuid, 'mid', '2026-01-31T23:59:59.999Z'),
              (${b!.id}::uuid, 'other', '2026-01-01T00:00:00Z'),
              (${b!.id}::uuid, 'empty', '2024-05-05T00:00:00Z')
            returning id::text, project_id::text, created_at::text`,
      );
      // Out of seq order, with gaps, as clients send them.
      for (const [i, r] of runs.slice(0, 3).entries()) {
        for (const seq of [5, 1, 3, 2, 40 + i, 0]) {
          await db.execute(sql`insert into run_events (run_id, seq, type, ts, payload)
            values (${r.id}::uuid, ${seq}, ${seq % 2 ? 'text-delta' : 'tool-call'},
                    ${`2026-01-0${(seq % 9) + 1}T00:00:00.${seq}Z`}::timestamptz, ${JSON.stringify({ seq, r: i })}::jsonb)`);
        }
      }
      await db.execute(sql`insert into run_transcript_checkpoints (run_id, seq, event_count, state, keyframe)
        values (${runs[0]!.id}::uuid, 5, 6, '{"t":1}', true)`);
      const before = await allEvents(conn);
      expect(before).toHaveLength(18);

      await runMigrations(conn);

      expect(await allEvents(conn)).toEqual(before);
      const wrong = await queryRows<{ n: number }>(
        db,
        sql`select count(*)::int as n from run_events e join runs r on r.id = e.run_id
            where e.project_id <> r.project_id or e.run_created_at <> r.created_at`,
      );
      expect(wrong[0]!.n).toBe(0);
      const where = await queryRows<{ p: string; n: number }>(
        db,
        sql`select tableoid::regclass::text as p, count(*)::int as n from run_events group by 1 order by 1`,
      );
      expect(where).toEqual([
        { p: 'run_events_p2025_11', n: 6 },
        { p: 'run_events_p2026_01', n: 12 },
      ]);
      const months = (await listEventPartitions(db)).map((p) => p.name);
      // The months with events, and this month and the next two (made by the migration itself).
      expect(months).toEqual(expect.arrayContaining(['run_events_p2025_11', 'run_events_p2026_01']));
      expect(months).not.toContain('run_events_p2024_05');
      expect(months.length).toBeGreaterThanOrEqual(5);
      const page = await listEvents(db, a!.id, runs[1]!.id, { limit: 10 });
      expect(page.data.map((e) => e.seq)).toEqual([0, 1, 2, 3, 5, 41]);
      const [cp] = await queryRows<{ n: number }>(
        db,
        sql`select count(*)::int as n from run_transcript_checkpoints`,
      );
      expect(cp!.n).toBe(1);
      // An event appended before the checkpoint still invalidates it (the append's statement does,
      // since migration 0031 dropped the trigger).
      await appendEvents(db, a!.id, runs[0]!.id, [{ seq: 4, type: 'text-delta', payload: {} }]);
      const [after] = await queryRows<{ n: number }>(
        db,
        sql`select count(*)::int as n from run_transcript_checkpoints`,
      );
      expect(after!.n).toBe(0);
      // Two whole migration runs from an empty PGlite (WASM): slow on a loaded machine.
    }, 240_000);
  });
}
