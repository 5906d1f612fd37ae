import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows } from '@/db/sql';
import { describeEachDb } from '../helpers/db';

/**
 * Reference tables (docs/scaling.md), with why: instance-wide tables that hold no project's data, and
 * the two project tables found by a secret's hash before the project is known. A reference table is
 * copied whole to every node, so it may be keyed by a bare id; it must not reference a distributed one.
 */
const GLOBAL: Record<string, string> = {
  projects: 'instance-wide',
  users: 'instance-wide',
  sessions: 'instance-wide',
  accounts: 'instance-wide',
  verifications: 'instance-wide',
  app_settings: 'instance-wide',
  sign_in_failures: 'instance-wide',
  job_leases: 'instance-wide',
  instance_audit_log: 'instance-wide audit entries (a throttled sign-in), of no project',
  api_keys:
    "found by the key's hash on every API request, before its project is known; small, rarely written",
  invites: "found by the invite link's hash before its project is known; small, rarely written",
};
const isGlobal = (t: string) => Object.hasOwn(GLOBAL, t);

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
    // Every table is global or carries project_id in its key: a new table must do one or the other.
    for (const t of Object.keys(GLOBAL)) expect(names).toContain(t);
    const distributed = tables.filter((t) => !isGlobal(t.name));
    expect(distributed.filter((t) => !t.has_project || !t.pk_has_project).map((t) => t.name)).toEqual([]);
    expect(distributed.map((t) => t.name)).toEqual(
      expect.arrayContaining(['runs', 'reports', 'scores', 'audit_log']),
    );
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
    const bad = rows.filter((r) => {
      // A foreign key to a global table (projects, users) needs no project; to project data it does.
      // A global (reference) table may not reference project data at all.
      if (r.type === 'f') return !isGlobal(r.other!) && (!r.has_project || isGlobal(r.table));
      return !isGlobal(r.table) && !r.has_project;
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
