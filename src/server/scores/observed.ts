import 'server-only';
import { createHash } from 'node:crypto';
import { type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import type { ScoreConfig } from '@/db/schema';
import { queryRows } from '@/db/sql';
import { getScoreSettings, scoreConfigsByName } from './configs';
import { checkScore, type ScoreValue } from './validate';

/** The author id of scores that arrived as OpenTelemetry evaluation events (source `api`). */
export const OTLP_SCORE_AUTHOR = 'otlp';

/** A score another system observed and sent (an OTLP evaluation event): a number, a label, or both. */
export type ObservedScore = {
  /** Names the observation: the same key always gives the same score id, so a resend stores nothing. */
  key: string;
  runId: string;
  name: string;
  value?: number;
  label?: string;
  comment?: string;
};

/** A stable score id (UUID shaped) for an observation of a project. */
export function observedScoreId(projectId: string, key: string): string {
  const h = createHash('sha256').update(`${projectId}:${key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** observedScoreId in SQL, for a key computed by the statement (`key`: a text expression). */
export function observedScoreIdSql(projectId: string, key: SQL): SQL {
  const h = sql`encode(sha256(convert_to(${projectId}::text || ':' || ${key}, 'UTF8')), 'hex')`;
  return sql`(select (substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-a'
    || substr(h, 18, 3) || '-' || substr(h, 21, 12))::uuid from (select ${h} as h) x)`;
}

/**
 * What an observed score stores, by the config of its name: a categorical config takes the label, a
 * numeric one the value, a boolean one a value of 0 or 1; without a config, a value is numeric and a
 * label alone categorical. Null when it fits nothing (out of range, unknown label, no config where the
 * project requires one): the observation stays as an event of the run, without a score.
 */
function observedValue(
  s: ObservedScore,
  config: Pick<ScoreConfig, 'dataType' | 'min' | 'max' | 'categories'> | undefined,
  requireConfig: boolean,
): ScoreValue | null {
  if (!config) {
    if (requireConfig) return null;
    if (s.value !== undefined) return { dataType: 'numeric', value: s.value, label: null };
    if (s.label !== undefined) return { dataType: 'categorical', value: null, label: s.label };
    return null;
  }
  const input =
    config.dataType === 'categorical'
      ? { name: s.name, label: s.label }
      : config.dataType === 'boolean'
        ? { name: s.name, value: s.value === 1 ? true : s.value === 0 ? false : undefined }
        : { name: s.name, value: s.value };
  const checked = checkScore(input, config, requireConfig);
  return 'issue' in checked ? null : checked;
}

/**
 * Stores observed scores of a project's runs (the caller has checked the runs are the project's),
 * once each: a score id already stored is left as it is. Returns how many were stored now.
 */
export async function insertObservedScores(
  db: DbOrTx,
  projectId: string,
  list: ObservedScore[],
): Promise<number> {
  if (list.length === 0) return 0;
  const configs = await scoreConfigsByName(db, projectId, [...new Set(list.map((s) => s.name))]);
  const { requireConfig } = await getScoreSettings(db, projectId);
  const rows = list.flatMap((s) => {
    const v = observedValue(s, configs.get(s.name), requireConfig);
    if (!v) return [];
    return [
      {
        id: observedScoreId(projectId, s.key),
        run_id: s.runId,
        name: s.name,
        data_type: v.dataType,
        value: v.value,
        label: v.label,
        comment: s.comment?.slice(0, 2000) ?? null,
      },
    ];
  });
  if (rows.length === 0) return 0;
  const inserted = await queryRows<{ id: string }>(
    db,
    sql`insert into scores (id, project_id, run_id, name, data_type, value, label, source, author_id, comment)
      select x.id, ${projectId}::uuid, x.run_id, x.name, x.data_type::score_type, x.value, x.label,
        'api'::score_source, ${OTLP_SCORE_AUTHOR}, x.comment
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(id uuid, run_id uuid, name text,
        data_type text, value float8, label text, comment text)
      where exists (select 1 from runs r where r.id = x.run_id and r.project_id = ${projectId}::uuid)
      on conflict (id, project_id) do nothing
      returning id`,
  );
  return inserted.length;
}
