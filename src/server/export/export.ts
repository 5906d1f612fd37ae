import 'server-only';
import type { DbOrTx } from '@/db/client';
import type { ResultDto, RunDto } from '@/lib/contract';
import { listEvents, toEventDto } from '../events';
import { listResults, listRuns, toResultDto, toRunDto } from '../runs';
import type { HistoryFilters } from '../runs/runs';
import { runScoreSummary, scoresOfRuns, toScoreDto } from '../scores';
import { type CsvValue, csvLines } from './csv';

export type ExportFormat = 'csv' | 'jsonl';

/** Rows per keyset page: the server holds one page at a time, whatever the export's size. */
export const EXPORT_PAGE = 500;

/** The CSV columns of a run; JSON-valued fields are JSON text in their cell. */
export const runCsvColumns = [
  'id',
  'name',
  'kind',
  'status',
  'userId',
  'threadId',
  'parentRunId',
  'model',
  'createdAt',
  'startedAt',
  'endedAt',
  'inputTokens',
  'outputTokens',
  'totalTokens',
  'costUsd',
  'eventCount',
  'tags',
  'metadata',
  'input',
  'output',
  'error',
  'datasetId',
  'datasetVersion',
  'succeededCount',
  'failedCount',
] as const satisfies readonly (keyof RunDto)[];

export const resultCsvColumns = [
  'itemId',
  'itemVersion',
  'status',
  'input',
  'output',
  'groundTruth',
  'error',
  'latencyMs',
  'retryCount',
  'startedAt',
  'completedAt',
] as const;

const cell = (v: unknown): CsvValue =>
  v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : (v as CsvValue);

export function runCsvRecord(run: RunDto): CsvValue[] {
  return runCsvColumns.map((c) => cell(run[c]));
}

export function resultCsvRecord(r: ResultDto): CsvValue[] {
  const withStatus = { ...r, status: r.error === null ? 'succeeded' : 'failed' };
  return resultCsvColumns.map((c) => cell(withStatus[c]));
}

const csvLine = (record: CsvValue[]) => csvLines([record]);
const jsonLine = (value: unknown) => `${JSON.stringify(value)}\n`;

/** Every event of a run, ascending, one page at a time. */
async function* runEvents(db: DbOrTx, projectId: string, runId: string) {
  let cursor: string | undefined;
  do {
    const page = await listEvents(db, projectId, runId, { limit: 1000, cursor });
    for (const e of page.data) yield toEventDto(e);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

/**
 * The filtered history, newest first, as CSV (header first) or JSONL (a run per line; with `events`,
 * each run carries its events). Reads keyset pages of EXPORT_PAGE runs as the consumer pulls. With
 * `scores`: a CSV `scores` column (the run's own scores by name, as the history shows them) and, in
 * JSONL, every score of the run.
 */
export async function* exportRuns(
  db: DbOrTx,
  projectId: string,
  filters: HistoryFilters,
  opts: { format: ExportFormat; events?: boolean; scores?: boolean },
): AsyncGenerator<string> {
  if (opts.format === 'csv') yield csvLine(opts.scores ? [...runCsvColumns, 'scores'] : [...runCsvColumns]);
  const read = async (cursor: string | undefined) => {
    const page = await listRuns(db, projectId, filters, { limit: EXPORT_PAGE, cursor });
    const plain = page.data.map(toRunDto);
    const byRun = opts.scores
      ? await scoresOfRuns(
          db,
          projectId,
          plain.map((r) => r.id),
        )
      : null;
    return { plain, byRun, nextCursor: page.nextCursor };
  };
  // One page ahead: the next page is read while this one is written and sent (the database and this
  // process work at once), so at most two pages are held.
  let next = read(undefined);
  for (;;) {
    const { plain, byRun, nextCursor } = await next;
    if (nextCursor) {
      next = read(nextCursor);
      // Not awaited if the client goes away first: its failure is not an unhandled rejection.
      next.catch(() => {});
    }
    const dtos = byRun
      ? plain.map((r) => ({ ...r, scores: (byRun.get(r.id) ?? []).map(toScoreDto) }))
      : plain;
    if (opts.format === 'csv') {
      const record = (r: RunDto) =>
        byRun ? [...runCsvRecord(r), cell(runScoreSummary(byRun.get(r.id) ?? []))] : runCsvRecord(r);
      if (dtos.length > 0) yield csvLines(plain.map(record));
    } else if (opts.events) {
      // One run (with all its events) at a time.
      for (const dto of dtos) {
        const events = [];
        for await (const e of runEvents(db, projectId, dto.id)) events.push(e);
        yield jsonLine({ ...dto, events });
      }
    } else if (dtos.length > 0) {
      yield dtos.map(jsonLine).join('');
    }
    if (!nextCursor) return;
  }
}

/** A dataset run's results by itemId, as CSV (with a status column) or JSONL. */
export async function* exportResults(
  db: DbOrTx,
  projectId: string,
  runId: string,
  opts: { format: ExportFormat },
): AsyncGenerator<string> {
  let cursor: string | undefined;
  let first = true;
  do {
    // Checks the run (404 before anything is written).
    const page = await listResults(db, projectId, runId, { limit: EXPORT_PAGE, cursor });
    if (first && opts.format === 'csv') yield csvLine([...resultCsvColumns]);
    first = false;
    const dtos = page.data.map(toResultDto);
    if (dtos.length > 0) {
      yield opts.format === 'csv' ? csvLines(dtos.map(resultCsvRecord)) : dtos.map(jsonLine).join('');
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

/**
 * A pull-based byte stream over an export: the next page is read only when the client has taken the
 * previous one. The first chunk is read before the response starts, so a not_found is still a 404.
 */
export async function exportStream(lines: AsyncGenerator<string>): Promise<ReadableStream<Uint8Array>> {
  const encoder = new TextEncoder();
  const first = await lines.next();
  let pending: IteratorResult<string> | null = first;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const step = pending ?? (await lines.next());
        pending = null;
        if (step.done) controller.close();
        else controller.enqueue(encoder.encode(step.value));
      },
      async cancel() {
        await lines.return(undefined);
      },
    },
    { highWaterMark: 16 },
  );
}

/** The headers of a download: its type, its file name (`<basename>.<format>`), never cached. */
export const downloadHeaders = (format: ExportFormat, basename: string) => ({
  'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
  'content-disposition': `attachment; filename="${basename}.${format}"`,
  'cache-control': 'no-store',
});
