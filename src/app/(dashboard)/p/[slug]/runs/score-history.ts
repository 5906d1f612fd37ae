import 'server-only';
import type { Db } from '@/db/client';
import type { Run } from '@/db/schema';
import {
  parseScoreSort,
  type ScoreCondition,
  type ScoreSort,
  scoreConditionsFrom,
} from '@/lib/score-filters';
import { getScoreSettings, listScoreConfigs, runScoreCells } from '@/server/scores';

export type ScoreColumns = { names: string[]; cells: Map<string, Map<string, string>> };

/** The history's score state from its URL: filters, sort, and the names it offers and shows. */
export async function scoreHistoryState(
  db: Db,
  projectId: string,
  raw: Record<string, string | string[] | undefined>,
): Promise<{ conditions: ScoreCondition[]; sort: ScoreSort | null; columns: string[]; names: string[] }> {
  const [settings, configs] = await Promise.all([
    getScoreSettings(db, projectId),
    listScoreConfigs(db, projectId),
  ]);
  const names = [...new Set([...settings.historyColumns, ...configs.map((c) => c.name)])];
  const sortParam = typeof raw.sort === 'string' ? raw.sort : undefined;
  return {
    conditions: scoreConditionsFrom(raw.score),
    sort: parseScoreSort(sortParam),
    columns: settings.historyColumns,
    names,
  };
}

/** The score cells of a page of runs, for the project's chosen columns. */
export async function scoreColumnsOf(
  db: Db,
  projectId: string,
  runs: Run[],
  names: string[],
): Promise<ScoreColumns> {
  return {
    names,
    cells: await runScoreCells(
      db,
      projectId,
      runs.map((r) => r.id),
      names,
    ),
  };
}

/** The score filters as query parameters (for the download and the page links). */
export const scoreSearchString = (conditions: string | string[] | undefined, sort?: string | string[]) => {
  const q = new URLSearchParams();
  for (const c of conditions === undefined ? [] : Array.isArray(conditions) ? conditions : [conditions])
    q.append('score', c);
  if (typeof sort === 'string' && sort) q.set('sort', sort);
  return q.toString();
};
