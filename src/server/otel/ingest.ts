import 'server-only';
import type { SQL } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { pipelinedTransaction, queryRowsPrepared } from '@/db/sql';
import type { OtelSpan } from './decode';
import { exportWords } from './export-words';
import {
  eventsCheckSql,
  eventsStoreSql,
  insertSpansSql,
  ledgerSpanUsageSql,
  lockRunsSql,
  upsertRunsSql,
} from './ingest-sql';
import { type SpanRow, spanRows, type TraceRow } from './span-rows';
import { rootFacts, traceFacts, traceRunId } from './trace';

export type IngestResult = {
  runs: number;
  spans: number;
  newSpans: number;
};

/** Milliseconds spent per phase, summed over calls (a profile: the statements then run one by one). */
export type IngestPhases = Record<string, number>;

type Step = { phase: string; query: SQL };

/** The statements one by one, each timed into its phase (the profile `bench/otlp` prints). */
async function timedSteps(tx: DbOrTx, steps: Step[], phases: IngestPhases): Promise<unknown[][]> {
  const out: unknown[][] = [];
  for (const s of steps) {
    const t0 = performance.now();
    out.push(await queryRowsPrepared<unknown>(tx, s.query));
    phases[s.phase] = (phases[s.phase] ?? 0) + performance.now() - t0;
  }
  return out;
}

/**
 * Stores the spans of one OTLP export, each trace as a run, atomically per run: the runs no other
 * export is writing in one transaction, those busy in a second one that waits for them. Each
 * transaction is one round trip (store: its statements and COMMIT pipelined), so a run's lock is held
 * only while Postgres works on it, not while this process gets round to its next statement. Behind
 * each COMMIT, in the same round trip, model-call usage not yet in the ledger is recorded once per span
 * (idempotency key from the span ids), per run whose user (the quota subject) is known, in one
 * autocommit statement for the whole export (ledgerSpanUsageSql; twice when a second transaction was
 * needed, the second finding what the first left). With `phases`, the statements run one by one, each
 * timed (a profile).
 */
export async function storeSpans(
  db: DbOrTx,
  projectId: string,
  spans: OtelSpan[],
  opts: { phases?: IngestPhases } = {},
): Promise<IngestResult & { runOf: Map<string, string> }> {
  if (spans.length === 0) return { runs: 0, spans: 0, newSpans: 0, runOf: new Map() };
  const t0 = performance.now();
  const byTrace = new Map<string, OtelSpan[]>();
  for (const s of spans) {
    const list = byTrace.get(s.traceId);
    if (list) list.push(s);
    else byTrace.set(s.traceId, [s]);
  }
  const traces = [...byTrace.entries()].map(([traceId, list]) => {
    const runId = traceRunId(projectId, traceId);
    const root = list.find((s) => s.parentSpanId === null);
    return { traceId, runId, facts: traceFacts(list), root: root ? rootFacts(root) : null };
  });
  const runOf = new Map(traces.map((t) => [t.traceId, t.runId]));
  const rows = spanRows(spans, runOf);
  return { ...(await storeSpanRows(db, projectId, traces, rows, opts, t0)), runOf };
}

/**
 * Stores span rows (of spans, or of log records attached to their runs: src/server/otel/logs.ts) into
 * the given traces' runs, as storeSpans describes.
 */
export async function storeSpanRows(
  db: DbOrTx,
  projectId: string,
  traces: TraceRow[],
  rows: SpanRow[],
  opts: { phases?: IngestPhases } = {},
  t0 = performance.now(),
): Promise<IngestResult> {
  const { phases } = opts;
  const words = JSON.stringify(exportWords(rows));
  if (phases) phases.map = (phases.map ?? 0) + performance.now() - t0;

  // Runs another export is writing (a trace split over two exports) are not waited for while holding
  // the others: they are stored in a second transaction, after this one commits, so exports sharing a
  // trace never queue up behind each other's whole transaction.
  // The ledger statement goes behind the last transaction's COMMIT, in its round trip.
  const ledger = ledgerSpanUsageSql(projectId, JSON.stringify(traces.map((t) => t.runId)));
  const first = await store(db, projectId, traces, rows, words, 'try', ledger, phases);
  const second = first.busy.length
    ? await store(db, projectId, first.busy, rows, words, 'wait', ledger, phases)
    : null;
  if (phases) phases.total = (phases.total ?? 0) + performance.now() - t0;
  return {
    runs: first.runs + (second?.runs ?? 0),
    spans: first.spans + (second?.spans ?? 0),
    newSpans: first.newSpans + (second?.newSpans ?? 0),
  };
}
/**
 * Stores the spans of the given traces (`rows` may hold others: they are left out), as one pipeline of
 * statements (one round trip):
 * 1. the runs' locks, in id order (so exports sharing traces cannot deadlock): with `try`, only those
 *    free now (the others are returned as `busy`, for a second transaction), with `wait`, all of them;
 * 2. every held trace's run exists (a placeholder `running` run until its root span arrives) and learns
 *    what this export says about its user, thread and model; a root span sets name, status and times;
 * 3. spans are stored once, keyed by (run, span id), in one insert that ignores spans already stored
 *    (run ids are the project's own: the same trace id in another project is that project's run);
 * 4. for runs that had spans before: when a stored event comes later on the timeline than a new one, or
 *    the stored events are not exactly their spans' (e.g. appended through the events API), their
 *    events go (the next statement lays them all out again);
 * 5. the new spans' events are appended (or all of a run's spans' events laid out, for a run without
 *    events), then the step every event path shares (src/server/events/after-store.ts).
 * Each statement leaves what the next ones need in a transaction-local setting (tx-state:
 * the runs held, the runs created, the spans inserted).
 */
async function store(
  db: DbOrTx,
  projectId: string,
  traces: TraceRow[],
  allRows: SpanRow[],
  words: string,
  mode: 'try' | 'wait',
  ledger: SQL,
  phases?: IngestPhases,
): Promise<IngestResult & { busy: TraceRow[] }> {
  if (traces.length === 0) return { runs: 0, spans: 0, newSpans: 0, busy: [] };
  const runIds = JSON.stringify(traces.map((t) => t.runId));
  const ids = new Set(traces.map((t) => t.runId));
  const mine = allRows.filter((r) => ids.has(r.run_id));
  const steps: Step[] = [
    { phase: 'lock', query: lockRunsSql(projectId, runIds, mode) },
    { phase: 'runs', query: upsertRunsSql(projectId, traces) },
    { phase: 'spans', query: insertSpansSql(projectId, mine) },
    { phase: 'events check', query: eventsCheckSql(projectId) },
    { phase: 'events store', query: eventsStoreSql(projectId, words) },
  ];
  const results = phases
    ? await db.transaction((tx) => timedSteps(tx, steps, phases))
    : await pipelinedTransaction(
        db,
        steps.map((s) => s.query),
        [ledger],
      );
  if (phases) await timedSteps(db, [{ phase: 'usage', query: ledger }], phases);
  const [locked, , inserted] = results as [{ held: string }[], unknown[], { n: number }[]];
  const held = new Set(JSON.parse(locked[0]!.held) as string[]);
  const busy = traces.filter((t) => !held.has(t.runId));
  const rows = mine.filter((r) => held.has(r.run_id));
  return { runs: held.size, spans: rows.length, newSpans: inserted[0]?.n ?? 0, busy };
}
