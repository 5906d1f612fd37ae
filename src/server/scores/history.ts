import 'server-only';
import { and, asc, desc, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { type Run, runColumns, runs, type Score, scores } from '@/db/schema';
import { decodeCursor, encodeCursor } from '@/lib/cursor';
import type { ScoreSort } from '@/lib/score-filters';
import { AppError } from '../errors';
import { type HistoryFilters, runFilterConditions } from '../runs/runs';
import { narrowByScores } from './conditions';

export type ScoredRunPage = { data: (Run & { sortValue: number })[]; nextCursor: string | null };

/**
 * The history sorted by a run's own score of one name (runs without it are left out), in keyset pages
 * on (value, run id): one range of the (project_id, name, value, run_id) index, walked in order, each
 * run checked against the other filters. A run scored by several authors shows once, at the first of
 * its scores on its page.
 */
export async function listRunsByScore(
  db: DbOrTx,
  projectId: string,
  filters: HistoryFilters,
  sort: ScoreSort,
  page: { limit: number; cursor?: string },
): Promise<ScoredRunPage> {
  const where = [
    ...runFilterConditions(projectId, await narrowByScores(db, projectId, filters)),
    eq(scores.projectId, projectId),
    eq(scores.name, sort.name),
    isNull(scores.seq),
    isNull(scores.resultId),
    isNotNull(scores.value),
  ];
  const cmp = sort.dir === 'desc' ? sql`<` : sql`>`;
  if (page.cursor) {
    const key = decodeCursor(page.cursor, 2);
    if (!key || typeof key[0] !== 'number' || typeof key[1] !== 'string')
      throw new AppError('bad_request', 'Invalid cursor');
    where.push(sql`(${scores.value}, ${scores.runId}) ${cmp} (${key[0]}::float8, ${key[1]}::uuid)`);
  }
  const dir = sort.dir === 'desc' ? desc : asc;
  const rows = await db
    .select({ ...runColumns, sortValue: scores.value })
    .from(scores)
    .innerJoin(runs, and(eq(runs.projectId, scores.projectId), eq(runs.id, scores.runId)))
    .where(and(...where))
    .orderBy(dir(scores.value), dir(scores.runId))
    .limit(page.limit + 1);
  const more = rows.length > page.limit;
  const taken = more ? rows.slice(0, page.limit) : rows;
  const last = taken.at(-1);
  const seen = new Set<string>();
  const data = taken.filter((r) => !seen.has(r.id) && seen.add(r.id)) as (Run & { sortValue: number })[];
  return { data, nextCursor: more && last ? encodeCursor([last.sortValue, last.id]) : null };
}

/** What a history cell shows for a run's own scores of one name. */
export function cellText(dataType: string, values: (number | null)[], labels: (string | null)[]): string {
  if (dataType === 'categorical') return [...new Set(labels.filter((l) => l !== null))].join(', ');
  const nums = values.filter((v): v is number => v !== null);
  if (nums.length === 0) return '';
  if (dataType === 'boolean') {
    const yes = nums.filter((v) => v !== 0).length;
    return nums.length === 1 ? (yes ? 'yes' : 'no') : `${Math.round((yes / nums.length) * 100)}% yes`;
  }
  const mean = nums.reduce((a, b) => a + b, 0) / nums.length;
  return String(Math.round(mean * 1000) / 1000);
}

/** The history's score columns for a page of runs: run id → name → text (a mean over authors). */
export async function runScoreCells(
  db: DbOrTx,
  projectId: string,
  runIds: string[],
  names: string[],
): Promise<Map<string, Map<string, string>>> {
  const out = new Map<string, Map<string, string>>();
  if (runIds.length === 0 || names.length === 0) return out;
  const rows = await db
    .select({
      runId: scores.runId,
      name: scores.name,
      dataType: scores.dataType,
      value: scores.value,
      label: scores.label,
    })
    .from(scores)
    .where(
      and(
        eq(scores.projectId, projectId),
        inArray(scores.runId, runIds),
        inArray(scores.name, names),
        isNull(scores.seq),
        isNull(scores.resultId),
      ),
    );
  const groups = new Map<string, typeof rows>();
  for (const r of rows) {
    const key = `${r.runId}\n${r.name}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  for (const list of groups.values()) {
    const { runId, name, dataType } = list[0]!;
    const text = cellText(
      dataType,
      list.map((r) => r.value),
      list.map((r) => r.label),
    );
    if (!out.has(runId)) out.set(runId, new Map());
    out.get(runId)!.set(name, text);
  }
  return out;
}

/** Every score of these runs (for an export), by run. */
export async function scoresOfRuns(
  db: DbOrTx,
  projectId: string,
  runIds: string[],
): Promise<Map<string, Score[]>> {
  const out = new Map<string, Score[]>();
  if (runIds.length === 0) return out;
  const rows = await db
    .select()
    .from(scores)
    .where(and(eq(scores.projectId, projectId), inArray(scores.runId, runIds)))
    .orderBy(asc(scores.runId), asc(scores.createdAt), asc(scores.id));
  for (const s of rows) out.set(s.runId, [...(out.get(s.runId) ?? []), s]);
  return out;
}

/** A run's own scores by name as the history shows them (for an export's CSV cell). */
export function runScoreSummary(list: Score[]): Record<string, string> {
  const own = list.filter((s) => s.seq === null && s.resultId === null);
  const names = [...new Set(own.map((s) => s.name))].sort();
  return Object.fromEntries(
    names.map((name) => {
      const of = own.filter((s) => s.name === name);
      return [
        name,
        cellText(
          of[0]!.dataType,
          of.map((s) => s.value),
          of.map((s) => s.label),
        ),
      ];
    }),
  );
}
