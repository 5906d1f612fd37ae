import 'server-only';
import { and, asc, inArray } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { type Run, type RunResult, runColumns, runEvents, runResults, runs } from '@/db/schema';
import { eventsOfRun } from '../events/partitions';

/** What an evaluator looks at: a finished run, or one result of a dataset run. */
export type EvaluationTarget = {
  input: unknown;
  output: unknown;
  /** A result's expected output; a run's `metadata.groundTruth`; undefined when there is none. */
  groundTruth: unknown;
  /** The run's events as plain text (who said what, tool calls and results); '' for a result. */
  transcript: string;
  /** The tools the run called, in order (from its events). */
  toolNames: string[];
  /** A result's latency, or the run's end minus its start; null when unknown. */
  latencyMs: number | null;
  /** The run's cost (a result has none of its own: null). */
  costUsd: number | null;
  /** Whether a transcript exists at all (a dataset result has none). */
  hasTranscript: boolean;
};

/** The longest transcript handed to an evaluator; the rest is cut (and said to be). */
export const TRANSCRIPT_MAX_CHARS = 30_000;
/** Events read for a transcript at most. */
const TRANSCRIPT_MAX_EVENTS = 5_000;

const TRANSCRIPT_TYPES = [
  'user-message',
  'text-delta',
  'text-end',
  'tool-input-available',
  'tool-output-available',
  'tool-output-error',
  'error',
];

type RunRow = Run;
type ResultRow = RunResult;

/** One evaluation's target to read: its run (of its project), its result if any, its events if needed. */
export type TargetRef = {
  projectId: string;
  runId: string;
  resultId: string | null;
  /** Read the run's events (for a tool check or a judge); other evaluators skip that query. */
  withEvents: boolean;
};

/**
 * The targets of a batch of evaluations, in order: their runs in one query, their results in
 * another, and the events of those that need them (one query per run). Null where the run or result
 * no longer exists or is of another project.
 */
export async function loadTargets(db: DbOrTx, refs: TargetRef[]): Promise<(EvaluationTarget | null)[]> {
  if (refs.length === 0) return [];
  // Ids are unique per project: rows are matched by (project, id).
  const projectIds = [...new Set(refs.map((r) => r.projectId))];
  const runIds = [...new Set(refs.map((r) => r.runId))];
  const resultIds = [...new Set(refs.flatMap((r) => (r.resultId ? [r.resultId] : [])))];
  const [runRows, resultRows] = await Promise.all([
    db
      .select(runColumns)
      .from(runs)
      .where(and(inArray(runs.projectId, projectIds), inArray(runs.id, runIds))),
    resultIds.length
      ? db
          .select()
          .from(runResults)
          .where(and(inArray(runResults.projectId, projectIds), inArray(runResults.id, resultIds)))
      : [],
  ]);
  const key = (projectId: string, id: string) => `${projectId}/${id}`;
  const runOf = new Map(runRows.map((r) => [key(r.projectId, r.id), r]));
  const resultOf = new Map(resultRows.map((r) => [key(r.projectId, r.id), r]));
  return Promise.all(
    refs.map(async (ref) => {
      const run = runOf.get(key(ref.projectId, ref.runId));
      if (!run) return null;
      if (ref.resultId) {
        const result = resultOf.get(key(ref.projectId, ref.resultId));
        return result && result.runId === ref.runId ? resultTarget(result) : null;
      }
      return runTarget(db, run, ref.withEvents);
    }),
  );
}

/** The run (or its result) to evaluate; null when it no longer exists or is of another project. */
export async function loadTarget(
  db: DbOrTx,
  projectId: string,
  runId: string,
  resultId: string | null,
  /** Read the run's events (for a tool check or a judge); other evaluators skip that query. */
  withEvents = true,
): Promise<EvaluationTarget | null> {
  const [target] = await loadTargets(db, [{ projectId, runId, resultId, withEvents }]);
  return target ?? null;
}

function resultTarget(result: ResultRow): EvaluationTarget {
  return {
    input: result.input,
    output: result.output,
    groundTruth: result.groundTruth ?? undefined,
    transcript: '',
    toolNames: [],
    latencyMs: result.latencyMs,
    costUsd: null,
    hasTranscript: false,
  };
}

async function runTarget(db: DbOrTx, run: RunRow, withEvents: boolean): Promise<EvaluationTarget> {
  const events = !withEvents
    ? []
    : await db
        .select({ type: runEvents.type, payload: runEvents.payload })
        .from(runEvents)
        .where(and(eventsOfRun(run.projectId, run.id), inArray(runEvents.type, TRANSCRIPT_TYPES)))
        .orderBy(asc(runEvents.seq))
        .limit(TRANSCRIPT_MAX_EVENTS);
  const { transcript, toolNames } = transcriptOf(events);
  const latencyMs =
    run.startedAt && run.endedAt ? Math.max(0, run.endedAt.getTime() - run.startedAt.getTime()) : null;
  return {
    input: run.input,
    output: run.output,
    groundTruth: run.metadata.groundTruth,
    transcript,
    toolNames,
    latencyMs,
    costUsd: run.costUsd,
    hasTranscript: true,
  };
}

const field = (payload: unknown, key: string): unknown =>
  payload && typeof payload === 'object' ? (payload as Record<string, unknown>)[key] : undefined;

/** The events as lines of text, assistant text deltas joined; and the names of the tools called. */
export function transcriptOf(events: { type: string; payload: unknown }[]): {
  transcript: string;
  toolNames: string[];
} {
  const lines: string[] = [];
  const toolNames: string[] = [];
  let assistant = '';
  const flush = () => {
    if (assistant) lines.push(`assistant: ${assistant}`);
    assistant = '';
  };
  for (const e of events) {
    const p = e.payload;
    if (e.type === 'text-delta') {
      assistant += String(field(p, 'delta') ?? '');
      continue;
    }
    flush();
    if (e.type === 'user-message') lines.push(`user: ${String(field(p, 'text') ?? '')}`);
    else if (e.type === 'tool-input-available') {
      const name = String(field(p, 'toolName') ?? '');
      toolNames.push(name);
      lines.push(`tool call ${name}: ${JSON.stringify(field(p, 'input') ?? null)}`);
    } else if (e.type === 'tool-output-available')
      lines.push(`tool result: ${JSON.stringify(field(p, 'output') ?? null)}`);
    else if (e.type === 'tool-output-error' || e.type === 'error')
      lines.push(`error: ${String(field(p, 'errorText') ?? '')}`);
  }
  flush();
  let transcript = lines.join('\n');
  if (transcript.length > TRANSCRIPT_MAX_CHARS)
    transcript = `${transcript.slice(0, TRANSCRIPT_MAX_CHARS)}\n[… transcript cut]`;
  return { transcript, toolNames };
}
