import 'server-only';
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { runs } from '@/db/schema';
import { checkpointsOutdatedSql } from '../events/after-store';
import type { DemoEvent } from './stream';
import type { Stamp } from './workflow';

/** Bulk-inserts runs, in chunks that stay well under the bind-parameter limit. */
export async function insertRuns(db: DbOrTx, rows: (typeof runs.$inferInsert)[]) {
  for (let i = 0; i < rows.length; i += 100) await db.insert(runs).values(rows.slice(i, i + 100));
}

/** Bulk-inserts events: one jsonb parameter per few thousand rows is far faster than row-by-row binds. */
export async function insertEvents(db: DbOrTx, projectId: string, events: (DemoEvent & { runId: string })[]) {
  for (let i = 0; i < events.length; i += 4000) {
    const batch = JSON.stringify(
      events
        .slice(i, i + 4000)
        .map((e) => ({ run_id: e.runId, seq: e.seq, type: e.type, ts: e.ts, payload: e.payload })),
    );
    await db.execute(sql`with ins as (
        insert into run_events (project_id, run_id, run_created_at, seq, type, ts, payload, created_at)
        select r.project_id, x.run_id, r.created_at, x.seq, x.type, x.ts, x.payload, x.ts
        from jsonb_to_recordset(${batch}::jsonb) as x(run_id uuid, seq int, type text, ts timestamptz, payload jsonb)
        join runs r on r.project_id = ${projectId}::uuid and r.id = x.run_id
        returning run_id, seq
      ), ${checkpointsOutdatedSql(projectId, sql.raw('ins'))}
      select count(*) from ins`);
  }
}

/** event_count / last_seq of every run of the project, from its stored events. */
export async function recountEvents(db: DbOrTx, projectId: string) {
  await db.execute(sql`
    update runs r set event_count = s.n, last_seq = s.last
    from (select e.run_id, count(*)::int as n, max(e.seq) as last
          from run_events e where e.project_id = ${projectId}::uuid group by e.run_id) s
    where r.project_id = ${projectId}::uuid and r.id = s.run_id`);
}

/** Moves reports and sections back to when the demo says they were written. */
export async function applyStamps(db: DbOrTx, projectId: string, stamps: Stamp[]) {
  const of = (table: Stamp['table']) =>
    JSON.stringify(
      stamps
        .filter((s) => s.table === table)
        .map((s) => ({ id: s.id, at: s.at, updated_at: s.updatedAt ?? s.at })),
    );
  await db.execute(sql`
    update reports r set created_at = x.at, updated_at = x.updated_at
    from jsonb_to_recordset(${of('reports')}::jsonb) as x(id uuid, at timestamptz, updated_at timestamptz)
    where r.project_id = ${projectId}::uuid and r.id = x.id`);
  await db.execute(sql`
    update report_sections s set created_at = x.at
    from jsonb_to_recordset(${of('report_sections')}::jsonb) as x(id uuid, at timestamptz, updated_at timestamptz)
    where s.project_id = ${projectId}::uuid and s.id = x.id`);
}
