import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { connectPostgres, type DbConnection } from '@/db/client';
import { migrationsFolder, runMigrations } from '@/db/migrate';
import { queryRows } from '@/db/sql';
import { deleteRun } from '@/server/runs';
import { availableDrivers } from '../helpers/db';
import { emptyPglite } from '../helpers/old-schema';
import { adminUrl, testServerUrl, withDatabase } from '../helpers/pg-url';

/** The migration under test: the ones before it make the previous schema. */
const MIGRATION = '0026_project_keys';

/** A copy of the committed migrations whose journal stops before MIGRATION. */
function previousMigrations(): { folder: string; remove: () => void } {
  const folder = mkdtempSync(path.join(tmpdir(), 'runledger-migrations-'));
  cpSync(migrationsFolder, folder, { recursive: true });
  const journalPath = path.join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
  const cut = journal.entries.findIndex((e) => e.tag === MIGRATION);
  expect(cut).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, cut);
  writeFileSync(journalPath, JSON.stringify(journal));
  return { folder, remove: () => rmSync(folder, { recursive: true, force: true }) };
}

async function previousDatabase(driver: 'pglite' | 'postgres', folder: string) {
  if (driver === 'pglite') {
    const conn = emptyPglite();
    await runMigrations(conn, folder);
    return { conn, drop: async () => {} };
  }
  const server = testServerUrl()!;
  const name = `runledger_keys_${Date.now().toString(36)}_${process.pid}`;
  const admin = postgres(adminUrl(server), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const conn = connectPostgres(withDatabase(server, name), 2);
  await runMigrations(conn, folder);
  return {
    conn,
    drop: async () => {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

/** Rows of the tables that got project_id, with the project their parent row names. */
const CHILDREN = sql`
  select 'run_results' as t, c.project_id::text as got, r.project_id::text as want
    from run_results c join runs r on r.id = c.run_id
  union all select 'run_transcript_checkpoints', c.project_id::text, r.project_id::text
    from run_transcript_checkpoints c join runs r on r.id = c.run_id
  union all select 'otel_spans', c.project_id::text, r.project_id::text from otel_spans c join runs r on r.id = c.run_id
  union all select 'evaluation_inbox', c.project_id::text, r.project_id::text
    from evaluation_inbox c join runs r on r.id = c.run_id
  union all select 'report_sections', c.project_id::text, p.project_id::text
    from report_sections c join reports p on p.id = c.report_id
  union all select 'dataset_items', c.project_id::text, p.project_id::text
    from dataset_items c join datasets p on p.id = c.dataset_id
  union all select 'evaluator_daily_usage', c.project_id::text, p.project_id::text
    from evaluator_daily_usage c join evaluators p on p.id = c.evaluator_id
  order by 1, 2`;

async function fill(conn: DbConnection, projectId: string, tag: string) {
  const db = conn.db;
  const one = async (q: ReturnType<typeof sql>) => (await queryRows<{ id: string }>(db, q))[0]!.id;
  // An online evaluator first: the run created finished below is queued in evaluation_inbox by trigger.
  const evaluator = await one(sql`insert into evaluators (project_id, name, config, online)
    values (${projectId}::uuid, ${`judge-${tag}`}, '{"type":"contains","value":"x"}', true) returning id::text`);
  const run = await one(sql`insert into runs (project_id, name, status)
    values (${projectId}::uuid, ${`run-${tag}`}, 'succeeded') returning id::text`);
  const child = await one(sql`insert into runs (project_id, name, parent_run_id)
    values (${projectId}::uuid, 'child', ${run}::uuid) returning id::text`);
  const result = await one(sql`insert into run_results (run_id, item_id, latency_ms, started_at, completed_at)
    values (${run}::uuid, 'item-1', 5, now(), now()) returning id::text`);
  await db.execute(sql`insert into run_transcript_checkpoints (run_id, seq, event_count, state, keyframe)
    values (${run}::uuid, 999, 1000, '{"t":1}', true)`);
  await db.execute(sql`insert into otel_spans (run_id, span_id, name, start_ns, end_ns, events)
    values (${run}::uuid, 'abcd', 'chat', 1, 2, '[]')`);
  const report = await one(sql`insert into reports (project_id, run_id, title)
    values (${projectId}::uuid, ${run}::uuid, 'r') returning id::text`);
  await db.execute(sql`insert into report_sections (report_id, position, heading, body)
    values (${report}::uuid, 0, 'h', 'b'), (${report}::uuid, 1, 'h2', 'b2')`);
  const dataset = await one(
    sql`insert into datasets (project_id, name) values (${projectId}::uuid, 'd') returning id::text`,
  );
  await db.execute(sql`insert into dataset_items (dataset_id, item_id, version, input)
    values (${dataset}::uuid, gen_random_uuid(), 1, '{}')`);
  await db.execute(sql`insert into evaluator_daily_usage (evaluator_id, day, attempts)
    values (${evaluator}::uuid, '2026-12-01T00:00:00Z', 3)`);
  await db.execute(sql`insert into evaluation_jobs (project_id, evaluator_id, run_id, result_id)
    values (${projectId}::uuid, ${evaluator}::uuid, ${run}::uuid, ${result}::uuid)`);
  await db.execute(sql`insert into scores (project_id, run_id, result_id, name, data_type, value, source, author_id)
    values (${projectId}::uuid, ${run}::uuid, ${result}::uuid, 'q', 'numeric', 1, 'api', 'k')`);
  await db.execute(sql`insert into usage_events (project_id, subject, metric, amount, run_id)
    values (${projectId}::uuid, 'u', 'tokens', 7, ${run}::uuid)`);
  const queue = await one(
    sql`insert into annotation_queues (project_id, name) values (${projectId}::uuid, 'q') returning id::text`,
  );
  await db.execute(sql`insert into annotation_queue_items (project_id, queue_id, run_id, position)
    values (${projectId}::uuid, ${queue}::uuid, ${run}::uuid, 0)`);
  const dest = await one(sql`insert into webhook_destinations (project_id, name, url, format, secret_cipher)
    values (${projectId}::uuid, 'w', 'https://example.com/hook', 'standard', 'x') returning id::text`);
  const event = await one(sql`insert into alert_events (project_id, type, data)
    values (${projectId}::uuid, 'quota.soft_limit_crossed', '{}') returning id::text`);
  await db.execute(sql`insert into alert_deliveries (project_id, event_id, destination_id)
    values (${projectId}::uuid, ${event}::uuid, ${dest}::uuid)`);
  return { run, child };
}

for (const driver of availableDrivers()) {
  describe(`project_id moves into the keys [${driver}]`, () => {
    const cleanups: (() => Promise<void> | void)[] = [];
    afterAll(async () => {
      for (const c of cleanups.reverse()) await c();
    });

    it('fills each new project_id from its parent row, keeps every row, and deletes cascade as before', async () => {
      const { folder, remove } = previousMigrations();
      cleanups.push(remove);
      const { conn, drop } = await previousDatabase(driver, folder);
      cleanups.push(async () => {
        await conn.close();
        await drop();
      });
      const db = conn.db;
      const projects = await queryRows<{ id: string }>(
        db,
        sql`insert into projects (slug, name) values ('a', 'A'), ('b', 'B') returning id::text`,
      );
      const a = await fill(conn, projects[0]!.id, 'a');
      await fill(conn, projects[1]!.id, 'b');
      const counts = sql`select (select count(*) from run_results) + (select count(*) from run_transcript_checkpoints)
          + (select count(*) from otel_spans) + (select count(*) from evaluation_inbox)
          + (select count(*) from report_sections) + (select count(*) from dataset_items)
          + (select count(*) from evaluator_daily_usage) + (select count(*) from evaluation_jobs)
          + (select count(*) from scores) + (select count(*) from usage_events)
          + (select count(*) from annotation_queue_items) + (select count(*) from alert_deliveries) as n`;
      const [before] = await queryRows<{ n: string }>(db, counts);

      await runMigrations(conn);

      expect((await queryRows<{ n: string }>(db, counts))[0]).toEqual(before);
      const rows = await queryRows<{ t: string; got: string; want: string }>(db, CHILDREN);
      expect(rows.length).toBe(16);
      expect(new Set(rows.map((r) => r.t)).size).toBe(7);
      for (const r of rows) expect(r.got, r.t).toBe(r.want);

      // The evaluation trigger writes the project of a run finished after the migration.
      const [late] = await queryRows<{ id: string }>(
        db,
        sql`insert into runs (project_id, name, status) values (${projects[0]!.id}::uuid, 'late', 'failed')
            returning id::text`,
      );
      const inbox = await queryRows<{ project_id: string }>(
        db,
        sql`select project_id::text from evaluation_inbox where run_id = ${late!.id}::uuid`,
      );
      expect(inbox).toEqual([{ project_id: projects[0]!.id }]);

      // Deleting a run: its rows go (cascade), its ledger rows and child run stay, project kept, run cleared.
      await deleteRun(db, projects[0]!.id, a.run);
      const left = await queryRows<{ t: string; got: string }>(db, CHILDREN);
      expect(left.filter((r) => r.got === projects[0]!.id).map((r) => r.t)).toEqual([
        'dataset_items',
        'evaluation_inbox',
        'evaluator_daily_usage',
      ]);
      const ledger = await queryRows<{ project_id: string; run_id: string | null }>(
        db,
        sql`select project_id::text, run_id::text from usage_events where project_id = ${projects[0]!.id}::uuid`,
      );
      expect(ledger).toEqual([{ project_id: projects[0]!.id, run_id: null }]);
      const child = await queryRows<{ parent_run_id: string | null }>(
        db,
        sql`select parent_run_id::text from runs where id = ${a.child}::uuid`,
      );
      expect(child).toEqual([{ parent_run_id: null }]);
      // A row naming another project's run is refused: the keys hold the project.
      const other = await queryRows<{ id: string }>(
        db,
        sql`select id::text from runs where project_id = ${projects[1]!.id}::uuid limit 1`,
      );
      await expect(
        db.execute(sql`insert into run_results (project_id, run_id, item_id, latency_ms, started_at, completed_at)
          values (${projects[0]!.id}::uuid, ${other[0]!.id}::uuid, 'x', 1, now(), now())`),
      ).rejects.toThrow();
      // Two whole migration runs from an empty PGlite (WASM): slow on a loaded machine.
    }, 240_000);
  });
}
