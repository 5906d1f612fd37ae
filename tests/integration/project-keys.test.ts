import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows } from '@/db/sql';
import { describeEachDb } from '../helpers/db';

/** Instance-wide tables: no project's data (docs/scaling.md: reference tables). */
const GLOBAL = [
  'projects',
  'users',
  'sessions',
  'accounts',
  'verifications',
  'app_settings',
  'sign_in_failures',
  'job_leases',
];

/**
 * Tables with project_id whose primary key is still a bare id, same list in the docs: runs, reports and
 * scores take an id chosen by the client, unique across the instance (a retry in any project is
 * recognised by it); api_keys and invites are found by a hash before the project is known; audit_log
 * has instance-wide rows without a project.
 */
const KEY_WITHOUT_PROJECT_YET = ['api_keys', 'audit_log', 'invites', 'reports', 'runs', 'scores'];

describeEachDb('project keys in the migrated schema', ({ db }) => {
  it('each table is global, or carries project_id in its primary key, or is a listed exception', async () => {
    const tables = await queryRows<{ name: string; has_project: boolean; pk_has_project: boolean }>(
      db(),
      sql`select c.relname as name,
            exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'project_id'
                    and not a.attisdropped) as has_project,
            exists (select 1 from pg_constraint k join pg_attribute a
                      on a.attrelid = k.conrelid and a.attnum = any(k.conkey)
                    where k.conrelid = c.oid and k.contype = 'p' and a.attname = 'project_id') as pk_has_project
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
            and c.relname not like '\\_\\_%'
          order by 1`,
    );
    const names = tables.map((t) => t.name);
    // Every table is in exactly one group: a new table must carry project_id in its key or be listed.
    for (const t of [...GLOBAL, ...KEY_WITHOUT_PROJECT_YET]) expect(names).toContain(t);
    const unlisted = tables.filter(
      (t) => !GLOBAL.includes(t.name) && !KEY_WITHOUT_PROJECT_YET.includes(t.name),
    );
    expect(unlisted.filter((t) => !t.has_project || !t.pk_has_project).map((t) => t.name)).toEqual([]);
    expect(unlisted.map((t) => t.name)).toContain('run_events');
    // The lists stay true: a table fixed leaves its list.
    for (const t of tables) {
      if (KEY_WITHOUT_PROJECT_YET.includes(t.name))
        expect([t.has_project, t.pk_has_project], t.name).toEqual([true, false]);
    }
  });

  it('every foreign key between project tables, and every unique constraint of the keyed group, holds project_id', async () => {
    const rows = await queryRows<{
      table: string;
      name: string;
      type: string;
      has_project: boolean;
      other: string | null;
    }>(
      db(),
      sql`select k.conrelid::regclass::text as table, k.conname as name, k.contype::text as type,
            exists (select 1 from pg_attribute a where a.attrelid = k.conrelid and a.attnum = any(k.conkey)
                    and a.attname = 'project_id') as has_project,
            case when k.contype = 'f' then k.confrelid::regclass::text end as other
          from pg_constraint k join pg_class c on c.oid = k.conrelid
          join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and not c.relispartition and k.contype in ('p', 'u', 'f')
          union all
          select i.indrelid::regclass::text, ic.relname, 'i',
            exists (select 1 from pg_attribute a where a.attrelid = i.indrelid and a.attnum = any(i.indkey)
                    and a.attname = 'project_id'), null
          from pg_index i join pg_class ic on ic.oid = i.indexrelid join pg_class c on c.oid = i.indrelid
          join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and i.indisunique and not c.relispartition`,
    );
    const keyed = (t: string) => !GLOBAL.includes(t) && !KEY_WITHOUT_PROJECT_YET.includes(t);
    const bad = rows.filter((r) => {
      // A foreign key to a global table (projects, users) needs no project; to project data it does,
      // from every table (the listed ones too).
      if (r.type === 'f') return !GLOBAL.includes(r.other!) && !r.has_project;
      return keyed(r.table) && !r.has_project;
    });
    expect(bad.map((r) => `${r.table}.${r.name}`)).toEqual([]);
    // run_events references runs by (project_id, run_id).
    expect(rows.find((r) => r.name === 'run_events_run_fk')).toMatchObject({
      has_project: true,
      other: 'runs',
    });
    // So does the partitioned ledger, whose key holds its month; its idempotency keys are keyed by project.
    expect(rows.find((r) => r.name === 'usage_events_run_fk')).toMatchObject({
      has_project: true,
      other: 'runs',
    });
    expect(rows.find((r) => r.table === 'usage_idempotency' && r.type === 'p')).toMatchObject({
      has_project: true,
    });
  });
});
