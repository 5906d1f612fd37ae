import 'server-only';
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { type Run, type RunResult, runEvents, runResults, type Score, scores } from '@/db/schema';
import { AppError, notFound } from '../errors';
import { eventsOfRun } from '../events/partitions';
import { requireRun } from '../runs';
import { type ItemChange, itemChanges } from './changes';
import { eventStats, finalAnswer, type Step, toSteps } from './steps';

/** Events read per run for a comparison: enough for any chat turn; longer runs are cut (and say so). */
export const COMPARE_EVENT_CAP = 5000;

export type RunSide = {
  run: Run;
  steps: Step[];
  answer: string;
  stats: { events: number; toolCalls: number; errors: number; durationMs: number | null };
  truncated: boolean;
};

async function side(db: DbOrTx, projectId: string, runId: string): Promise<RunSide> {
  const run = await requireRun(db, projectId, runId);
  const events = await db
    .select({ type: runEvents.type, payload: runEvents.payload })
    .from(runEvents)
    .where(eventsOfRun(projectId, run.id))
    .orderBy(asc(runEvents.seq))
    .limit(COMPARE_EVENT_CAP);
  const steps = toSteps(events);
  const durationMs = run.startedAt && run.endedAt ? run.endedAt.getTime() - run.startedAt.getTime() : null;
  return {
    run,
    steps,
    answer: finalAnswer(run.output, steps),
    stats: { ...eventStats(events), events: run.eventCount, durationMs },
    truncated: run.eventCount > events.length,
  };
}

/** Two runs of the project side by side (either unknown, or of another project: not_found). */
export async function compareRuns(db: DbOrTx, projectId: string, a: string, b: string) {
  const [left, right] = await Promise.all([side(db, projectId, a), side(db, projectId, b)]);
  return { left, right, stepCount: Math.max(left.steps.length, right.steps.length) };
}

export type ItemComparison = {
  itemId: string;
  change: ItemChange;
  a: RunResult | null;
  b: RunResult | null;
  groundTruth: unknown;
  /** b − a in ms; null unless both ran the item. */
  latencyDeltaMs: number | null;
};

/** Results read per dataset run for a comparison. */
export const COMPARE_RESULT_CAP = 20_000;

export function classify(a: RunResult | null, b: RunResult | null): ItemChange {
  if (!a) return 'only_b';
  if (!b) return 'only_a';
  const passA = a.error === null;
  const passB = b.error === null;
  if (passA && passB) return 'both_pass';
  if (!passA && !passB) return 'both_fail';
  return passA ? 'regressed' : 'fixed';
}

/** Two dataset runs of the project over the same dataset (else bad_request; unknown: not_found). */
async function datasetPair(db: DbOrTx, projectId: string, a: string, b: string): Promise<[Run, Run]> {
  const [runA, runB] = await Promise.all([requireRun(db, projectId, a), requireRun(db, projectId, b)]);
  if (runA.kind !== 'dataset' || runB.kind !== 'dataset') {
    throw new AppError('bad_request', 'Both runs must be dataset runs');
  }
  if (!runA.datasetId || runA.datasetId !== runB.datasetId) {
    throw new AppError('bad_request', 'The two runs are not on the same dataset');
  }
  return [runA, runB];
}

export type ItemSide = {
  result: RunResult | null;
  /** The result's own scores (scorers, evaluators, people), by name then time. */
  scores: Score[];
  /** Its output as text, for a word diff (the text of a structured output, else its JSON). */
  answer: string;
};

/**
 * One item of two dataset runs over the same dataset, side by side (A is the baseline): each run's
 * result of it with its scores, the change, the ground truth and the latency delta. An item neither
 * run has is not_found.
 */
export async function compareDatasetItem(
  db: DbOrTx,
  projectId: string,
  a: string,
  b: string,
  itemId: string,
) {
  const [runA, runB] = await datasetPair(db, projectId, a, b);
  const rows = await db
    .select()
    .from(runResults)
    .where(
      and(
        eq(runResults.projectId, projectId),
        inArray(runResults.runId, [runA.id, runB.id]),
        eq(runResults.itemId, itemId),
      ),
    );
  const ia = rows.find((r) => r.runId === runA.id) ?? null;
  const ib = rows.find((r) => r.runId === runB.id) ?? null;
  if (!ia && !ib) throw notFound('Item');
  const ids = rows.map((r) => r.id);
  const found = await db
    .select()
    .from(scores)
    .where(and(eq(scores.projectId, projectId), inArray(scores.resultId, ids)))
    .orderBy(asc(scores.name), asc(scores.createdAt), asc(scores.id));
  const sideOf = (r: RunResult | null): ItemSide => ({
    result: r,
    scores: r ? found.filter((s) => s.resultId === r.id) : [],
    answer: r && r.error === null ? finalAnswer(r.output, []) : '',
  });
  const item: ItemComparison = {
    itemId,
    change: classify(ia, ib),
    a: ia,
    b: ib,
    groundTruth: ib?.groundTruth ?? ia?.groundTruth ?? null,
    latencyDeltaMs: ia && ib ? ib.latencyMs - ia.latencyMs : null,
  };
  return { a: runA, b: runB, item, left: sideOf(ia), right: sideOf(ib) };
}

const passRate = (rows: RunResult[]) =>
  rows.length === 0 ? null : rows.filter((r) => r.error === null).length / rows.length;

async function results(db: DbOrTx, run: Run) {
  return db
    .select()
    .from(runResults)
    .where(and(eq(runResults.projectId, run.projectId), eq(runResults.runId, run.id)))
    .orderBy(asc(runResults.itemId))
    .limit(COMPARE_RESULT_CAP);
}

/**
 * Two dataset runs over the same dataset, item by item (A is the baseline): each item's change, both
 * outputs, the ground truth and the latency delta; pass rates and their delta; counts per change.
 */
export async function compareDatasetRuns(db: DbOrTx, projectId: string, a: string, b: string) {
  const [runA, runB] = await datasetPair(db, projectId, a, b);
  const [ra, rb] = await Promise.all([results(db, runA), results(db, runB)]);
  const byItem = new Map<string, { a: RunResult | null; b: RunResult | null }>();
  for (const r of ra) byItem.set(r.itemId, { a: r, b: null });
  for (const r of rb) byItem.set(r.itemId, { a: byItem.get(r.itemId)?.a ?? null, b: r });
  const items: ItemComparison[] = [...byItem.entries()]
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .map(([itemId, { a: ia, b: ib }]) => ({
      itemId,
      change: classify(ia, ib),
      a: ia,
      b: ib,
      groundTruth: ib?.groundTruth ?? ia?.groundTruth ?? null,
      latencyDeltaMs: ia && ib ? ib.latencyMs - ia.latencyMs : null,
    }));
  const counts = Object.fromEntries(itemChanges.map((c) => [c, 0])) as Record<ItemChange, number>;
  for (const i of items) counts[i.change]++;
  const passA = passRate(ra);
  const passB = passRate(rb);
  return {
    a: runA,
    b: runB,
    items,
    counts,
    passRateA: passA,
    passRateB: passB,
    passRateDelta: passA !== null && passB !== null ? passB - passA : null,
    truncated: ra.length >= COMPARE_RESULT_CAP || rb.length >= COMPARE_RESULT_CAP,
  };
}
