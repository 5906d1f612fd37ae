import 'server-only';
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { queryRows } from '@/db/sql';
import { anyWordQuery, eventSearchText, runSearchWordsSql, tsConfig } from './text';

export type ContentMatch = { seq: number; text: string };

/**
 * For each run of a search result, the first event whose text holds a word of `q`: the replay opens
 * there (`?seq=`) and the list shows its text. One lateral probe per run through (run_id, seq), only
 * for runs whose words hold one (a run found by its name alone is not read event by event). With the
 * run's creation time each probe reads the one partition of run_events that holds the run's events,
 * not an index of every month.
 */
export async function firstContentMatches(
  db: DbOrTx,
  projectId: string,
  runIds: string[],
  q: string,
): Promise<Map<string, ContentMatch>> {
  const out = new Map<string, ContentMatch>();
  if (runIds.length === 0 || !q.trim()) return out;
  const ids = sql.join(
    runIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  const rows = await queryRows<{ run_id: string; seq: number; txt: string }>(
    db,
    sql`select r.id as run_id, m.seq, m.txt from runs r
        cross join lateral (
          select e.seq, ${eventSearchText('e.')} as txt from run_events e
          where e.project_id = r.project_id and e.run_id = r.id and e.run_created_at = r.created_at
            and e.type not in ('text-start', 'text-end')
            and to_tsvector(${tsConfig}, coalesce(${eventSearchText('e.')}, '')) @@ ${anyWordQuery(q)}
          order by e.seq limit 1
        ) m
        where r.project_id = ${projectId}::uuid and r.id in (${ids})
          and r.search @@ ${anyWordQuery(q)}`,
  );
  for (const r of rows) out.set(r.run_id, { seq: Number(r.seq), text: r.txt });
  return out;
}

/** The metadata keys of the project's recent runs, for the filter bar. */
export async function recentMetadataKeys(db: DbOrTx, projectId: string, sample = 500): Promise<string[]> {
  const rows = await queryRows<{ key: string }>(
    db,
    sql`select distinct k.key from (
          select metadata from runs where project_id = ${projectId}::uuid
          order by created_at desc nulls last, id desc nulls last limit ${sample}
        ) r cross join lateral jsonb_object_keys(case when jsonb_typeof(r.metadata) = 'object'
          then r.metadata else '{}'::jsonb end) as k(key)
        order by k.key limit 100`,
  );
  return rows.map((r) => r.key);
}

/**
 * Rebuilds the search words of a project's runs from their stored events (for events written around
 * appendEvents, e.g. the demo seed's bulk insert, or data stored before content search existed).
 */
export async function rebuildSearchWords(db: DbOrTx, projectId: string): Promise<void> {
  await db.execute(sql`
    update runs r set search = w.words
    from (select e.run_id, ${sql.raw(runSearchWordsSql('e.'))} as words
          from run_events e where e.project_id = ${projectId}::uuid group by e.run_id) w
    where r.project_id = ${projectId}::uuid and r.id = w.run_id`);
}
