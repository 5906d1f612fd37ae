import 'server-only';
import { and, asc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { datasets, runResults, scores } from '@/db/schema';
import type { ScoreType } from '@/lib/enums';

/** One scorer over a dataset run's results: how many, the mean, and the share passed (boolean). */
export type ScorerSummary = {
  name: string;
  dataType: ScoreType;
  count: number;
  mean: number | null;
  passRate: number | null;
};

/** Per dataset run, its scorers over its results (scores of a result, by name). */
export async function scorerSummaries(
  db: DbOrTx,
  projectId: string,
  runIds: string[],
): Promise<Map<string, ScorerSummary[]>> {
  const out = new Map<string, ScorerSummary[]>();
  if (runIds.length === 0) return out;
  const rows = await db
    .select({
      runId: scores.runId,
      name: scores.name,
      dataType: scores.dataType,
      count: sql<number>`count(*)::int`,
      mean: sql<number | null>`avg(${scores.value})::float8`,
      passRate: sql<number | null>`avg(case when ${scores.value} <> 0 then 1.0 else 0.0 end)::float8`,
    })
    .from(scores)
    .where(and(eq(scores.projectId, projectId), inArray(scores.runId, runIds), isNotNull(scores.resultId)))
    .groupBy(scores.runId, scores.name, scores.dataType)
    .orderBy(asc(scores.name));
  for (const r of rows) {
    const summary: ScorerSummary = {
      name: r.name,
      dataType: r.dataType,
      count: r.count,
      mean: r.dataType === 'numeric' ? r.mean : null,
      passRate: r.dataType === 'boolean' ? r.passRate : null,
    };
    out.set(r.runId, [...(out.get(r.runId) ?? []), summary]);
  }
  return out;
}

export type ScoreChange = 'improved' | 'regressed' | 'unchanged' | 'only_a' | 'only_b';
/** One item's score of one scorer in two dataset runs (the mean over authors; a categorical's label). */
export type ItemScore = {
  itemId: string;
  a: number | string | null;
  b: number | string | null;
  change: ScoreChange;
};
export type ScorerComparison = {
  name: string;
  dataType: ScoreType;
  meanA: number | null;
  meanB: number | null;
  counts: Record<ScoreChange, number>;
  items: Map<string, ItemScore>;
};

async function itemScores(db: DbOrTx, projectId: string, runId: string) {
  return db
    .select({
      itemId: runResults.itemId,
      name: scores.name,
      dataType: scores.dataType,
      value: sql<number | null>`avg(${scores.value})::float8`,
      label: sql<string | null>`min(${scores.label})`,
    })
    .from(scores)
    .innerJoin(runResults, eq(runResults.id, scores.resultId))
    .where(and(eq(scores.projectId, projectId), eq(scores.runId, runId)))
    .groupBy(runResults.itemId, scores.name, scores.dataType);
}

function change(type: ScoreType, a: number | string | null, b: number | string | null): ScoreChange {
  if (a === null) return 'only_b';
  if (b === null) return 'only_a';
  if (a === b) return 'unchanged';
  if (type === 'categorical') return 'unchanged';
  return (b as number) > (a as number) ? 'improved' : 'regressed';
}

/**
 * Two dataset runs per scorer, item by item (A the baseline): each item's score in both, whether it
 * improved (a higher number, or no → yes), regressed or stayed; the means and the counts per change.
 * A categorical score has no order: a changed label counts as unchanged in the counts and shows both.
 */
export async function compareScorers(
  db: DbOrTx,
  projectId: string,
  a: string,
  b: string,
): Promise<ScorerComparison[]> {
  const [ra, rb] = await Promise.all([itemScores(db, projectId, a), itemScores(db, projectId, b)]);
  const byName = new Map<
    string,
    { dataType: ScoreType; a: Map<string, number | string>; b: Map<string, number | string> }
  >();
  for (const [side, rows] of [
    ['a', ra],
    ['b', rb],
  ] as const) {
    for (const r of rows) {
      const entry = byName.get(r.name) ?? { dataType: r.dataType, a: new Map(), b: new Map() };
      const v = r.dataType === 'categorical' ? r.label : r.value;
      if (v !== null) entry[side].set(r.itemId, v);
      byName.set(r.name, entry);
    }
  }
  const mean = (m: Map<string, number | string>) => {
    const nums = [...m.values()].filter((v): v is number => typeof v === 'number');
    return nums.length ? nums.reduce((x, y) => x + y, 0) / nums.length : null;
  };
  return [...byName]
    .sort(([x], [y]) => (x < y ? -1 : 1))
    .map(([name, e]) => {
      const counts: Record<ScoreChange, number> = {
        improved: 0,
        regressed: 0,
        unchanged: 0,
        only_a: 0,
        only_b: 0,
      };
      const items = new Map<string, ItemScore>();
      for (const itemId of new Set([...e.a.keys(), ...e.b.keys()])) {
        const va = e.a.get(itemId) ?? null;
        const vb = e.b.get(itemId) ?? null;
        const c = change(e.dataType, va, vb);
        counts[c]++;
        items.set(itemId, { itemId, a: va, b: vb, change: c });
      }
      return { name, dataType: e.dataType, meanA: mean(e.a), meanB: mean(e.b), counts, items };
    });
}

/** Dataset names by the ids runs carry (`datasetId`), for those that name a dataset of the project. */
export async function datasetNames(
  db: DbOrTx,
  projectId: string,
  ids: string[],
): Promise<Map<string, string>> {
  const uuids = ids.filter((id) =>
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id),
  );
  if (uuids.length === 0) return new Map();
  const rows = await db
    .select({ id: datasets.id, name: datasets.name })
    .from(datasets)
    .where(and(eq(datasets.projectId, projectId), inArray(datasets.id, uuids)));
  return new Map(rows.map((r) => [r.id, r.name]));
}
