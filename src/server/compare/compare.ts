import 'server-only';
import { and, asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { type Run, type RunResult, runEvents, runResults } from '@/db/schema';
import { AppError } from '../errors';
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
    .where(eventsOfRun(run.id))
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

const passRate = (rows: RunResult[]) =>
  rows.length === 0 ? null : rows.filter((r) => r.error === null).length / rows.length;

async function results(db: DbOrTx, run: Run) {
  return db
    .select()
    .from(runResults)
    .where(and(eq(runResults.runId, run.id)))
    .orderBy(asc(runResults.itemId))
    .limit(COMPARE_RESULT_CAP);
}

/**
 * Two dataset runs over the same dataset, item by item (A is the baseline): each item's change, both
 * outputs, the ground truth and the latency delta; pass rates and their delta; counts per change.
 */
export async function compareDatasetRuns(db: DbOrTx, projectId: string, a: string, b: string) {
  const [runA, runB] = await Promise.all([requireRun(db, projectId, a), requireRun(db, projectId, b)]);
  if (runA.kind !== 'dataset' || runB.kind !== 'dataset') {
    throw new AppError('bad_request', 'Both runs must be dataset runs');
  }
  if (!runA.datasetId || runA.datasetId !== runB.datasetId) {
    throw new AppError('bad_request', 'The two runs are not on the same dataset');
  }
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
