import { rmSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import type { DbConnection } from '@/db/client';
import { runMigrations } from '@/db/migrate';
import { queryRows } from '@/db/sql';
import { migrationsBefore } from '../../scripts/lib/migrations-before';
import { availableDrivers } from '../helpers/db';
import { databaseAtMigrations } from '../helpers/old-schema';

/** The last schema where runs, reports and scores were keyed by a bare id. */
const OLD_MIGRATIONS = migrationsBefore('0029_tenant_keys');
afterAll(() => rmSync(OLD_MIGRATIONS, { recursive: true, force: true }));

/** Every row of the re-keyed tables and of the audit, as text, in a stable order. */
async function snapshot(conn: DbConnection) {
  const db = conn.db;
  return {
    runs: await queryRows(
      db,
      sql`select id::text, project_id::text, name, parent_run_id::text from runs order by 1`,
    ),
    reports: await queryRows(
      db,
      sql`select id::text, project_id::text, run_id::text, title from reports order by 1`,
    ),
    scores: await queryRows(
      db,
      sql`select id::text, project_id::text, run_id::text, name, value, source, author_id from scores order by 1`,
    ),
    events: await queryRows(
      db,
      sql`select project_id::text, run_id::text, seq from run_events order by 1, 2, 3`,
    ),
    audit: await queryRows(
      db,
      sql`select project_id::text, action, target from audit_log where project_id is not null order by id`,
    ),
  };
}

for (const driver of availableDrivers()) {
  describe(`runs, reports and scores keyed by project [${driver}]`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterAll(async () => {
      for (const c of cleanups) await c();
    });

    it('keeps every row of two projects, moves instance-wide audit entries, then takes one id per project', async () => {
      const { conn, drop } = await databaseAtMigrations(driver, OLD_MIGRATIONS, 'tenantkeys');
      cleanups.push(async () => {
        await conn.close();
        await drop();
      });
      const db = conn.db;
      const [a, b] = await queryRows<{ id: string }>(
        db,
        sql`insert into projects (slug, name) values ('a', 'A'), ('b', 'B') returning id::text`,
      );
      for (const [p, tag] of [
        [a!.id, 'a'],
        [b!.id, 'b'],
      ] as const) {
        const [run] = await queryRows<{ id: string; created_at: string }>(
          db,
          sql`insert into runs (project_id, name, status, cost_usd, model)
              values (${p}::uuid, ${`run-${tag}`}, 'succeeded', 0.5, ${`model-${tag}`}) returning id::text, created_at::text`,
        );
        await db.execute(sql`insert into runs (project_id, name, parent_run_id)
          values (${p}::uuid, ${`child-${tag}`}, ${run!.id}::uuid)`);
        await db.execute(sql`insert into run_events (project_id, run_id, run_created_at, seq, type, payload)
          select ${p}::uuid, ${run!.id}::uuid, ${run!.created_at}::timestamptz, g, 'log', '{}'::jsonb
          from generate_series(0, 2) g`);
        const [report] = await queryRows<{ id: string }>(
          db,
          sql`insert into reports (project_id, run_id, title) values (${p}::uuid, ${run!.id}::uuid, ${`R ${tag}`})
              returning id::text`,
        );
        await db.execute(sql`insert into reports (project_id, run_id, parent_report_id, title, branch)
          values (${p}::uuid, ${run!.id}::uuid, ${report!.id}::uuid, 'branch', 'b1')`);
        await db.execute(sql`insert into scores (project_id, run_id, name, data_type, value, source, author_id)
          values (${p}::uuid, ${run!.id}::uuid, 'quality', 'numeric', 0.5, 'api', 'key'),
                 (${p}::uuid, ${run!.id}::uuid, 'quality', 'numeric', 1, 'annotation', 'user-1')`);
        await db.execute(sql`insert into audit_log (project_id, action, target)
          values (${p}::uuid, 'run.created', ${run!.id})`);
      }
      await db.execute(sql`insert into audit_log (project_id, action, target)
        values (null, 'sign_in.throttled', 'x@example.com'), (null, 'sign_in.throttled', 'y@example.com')`);
      const before = await snapshot(conn);
      expect(before.runs).toHaveLength(4);
      expect(before.scores).toHaveLength(4);

      await runMigrations(conn);

      expect(await snapshot(conn)).toEqual(before);
      expect(await queryRows(db, sql`select action, target from instance_audit_log order by id`)).toEqual([
        { action: 'sign_in.throttled', target: 'x@example.com' },
        { action: 'sign_in.throttled', target: 'y@example.com' },
      ]);
      const keys = await queryRows<{ t: string; cols: string }>(
        db,
        sql`select k.conrelid::regclass::text as t,
              (select string_agg(a.attname, ',' order by array_position(k.conkey, a.attnum))
               from pg_attribute a where a.attrelid = k.conrelid and a.attnum = any(k.conkey)) as cols
            from pg_constraint k
            where k.contype = 'p' and k.conrelid::regclass::text in ('runs', 'reports', 'scores', 'audit_log')
            order by 1`,
      );
      expect(keys).toEqual([
        { t: 'audit_log', cols: 'id,project_id' },
        { t: 'reports', cols: 'id,project_id' },
        { t: 'runs', cols: 'id,project_id' },
        { t: 'scores', cols: 'id,project_id' },
      ]);

      // After the upgrade: a's run id taken by b too is b's own run, with its own rows.
      const [aRun] = await queryRows<{ id: string }>(
        db,
        sql`select id::text from runs where project_id = ${a!.id}::uuid and parent_run_id is null`,
      );
      await db.execute(
        sql`insert into runs (id, project_id, name) values (${aRun!.id}::uuid, ${b!.id}::uuid, 'same id')`,
      );
      await db.execute(sql`insert into run_transcript_checkpoints (project_id, run_id, seq, event_count, state, keyframe)
        values (${a!.id}::uuid, ${aRun!.id}::uuid, 2, 3, '{}', true)`);
      // An event of b's run invalidates b's checkpoints only (the trigger names the project).
      await db.execute(sql`insert into run_events (project_id, run_id, run_created_at, seq, type, payload)
        select ${b!.id}::uuid, id, created_at, 0, 'log', '{}'::jsonb from runs
        where project_id = ${b!.id}::uuid and id = ${aRun!.id}::uuid`);
      expect(
        await queryRows(
          db,
          sql`select project_id::text from run_transcript_checkpoints where run_id = ${aRun!.id}::uuid`,
        ),
      ).toEqual([{ project_id: a!.id }]);
      // A changed created_at moves only that project's events.
      await db.execute(sql`update runs set created_at = created_at - interval '1 day'
        where project_id = ${b!.id}::uuid and id = ${aRun!.id}::uuid`);
      const moved = await queryRows<{ project_id: string; ok: boolean }>(
        db,
        sql`select e.project_id::text, e.run_created_at = r.created_at as ok from run_events e
            join runs r on r.project_id = e.project_id and r.id = e.run_id
            where e.run_id = ${aRun!.id}::uuid order by 1`,
      );
      expect(new Set(moved.map((m) => m.ok))).toEqual(new Set([true]));
      expect(moved.filter((m) => m.project_id === b!.id)).toHaveLength(1);
      expect(moved.filter((m) => m.project_id === a!.id)).toHaveLength(3);
      // The same score id in both projects, and one author's score per target within each.
      const [aScore] = await queryRows<{ id: string }>(
        db,
        sql`select id::text from scores where project_id = ${a!.id}::uuid and source = 'api'`,
      );
      await db.execute(sql`insert into scores (id, project_id, run_id, name, data_type, value, source, author_id)
        values (${aScore!.id}::uuid, ${b!.id}::uuid, ${aRun!.id}::uuid, 'quality', 'numeric', 0, 'api', 'key'),
               (gen_random_uuid(), ${b!.id}::uuid, ${aRun!.id}::uuid, 'quality', 'numeric', 1, 'annotation', 'user-1')`);
      expect(
        await queryRows(db, sql`select count(*)::int as n from scores where run_id = ${aRun!.id}::uuid`),
      ).toEqual([{ n: 4 }]);
    });
  });
}
