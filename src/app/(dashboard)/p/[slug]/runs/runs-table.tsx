import type { Run } from '@/db/schema';
import { formatCost, formatDuration, formatShortTime, formatTokens, runDuration } from '@/lib/format';
import { isStale, staleBefore } from '@/lib/run-liveness';
import type { ContentMatch } from '@/server/search';
import { type RunRow, RunsTableView } from './runs-table-view';
import type { ScoreColumns } from './score-history';

export type RunsTableSearch = { words: string[]; matches: Map<string, ContentMatch> };

/** The table's row of a run: what it shows, formatted here (UTC times, units), nothing else. */
function toRow(run: Run, before: Date, search?: RunsTableSearch, scoreColumns?: ScoreColumns): RunRow {
  const match = search?.matches.get(run.id);
  const scores = scoreColumns?.cells.get(run.id);
  return {
    id: run.id,
    name: run.name,
    status: run.status,
    stale: isStale(run, before),
    kind: run.kind,
    userId: run.userId,
    model: run.model,
    threadId: run.threadId,
    started: formatShortTime(run.startedAt ?? run.createdAt),
    duration: run.startedAt ? formatDuration(runDuration(run.startedAt, run.endedAt)) : '—',
    tokens: formatTokens(run.totalTokens),
    cost: formatCost(run.costUsd),
    events: run.eventCount.toLocaleString('en-US'),
    tags: run.tags,
    ...(match ? { match } : {}),
    ...(scoreColumns ? { scores: scoreColumns.names.map((n) => scores?.get(n) ?? '—') } : {}),
  };
}

export function RunsTable({
  slug,
  runs,
  showThread = true,
  search,
  selectable = false,
  scoreColumns,
}: {
  /** The project in the address (the links stay in it). */
  slug: string;
  runs: Run[];
  showThread?: boolean;
  /** A search: matching words are marked and names open the replay at the first matching event. */
  search?: RunsTableSearch;
  /** Checkboxes that submit the `compare-form` (pick two runs to compare). */
  selectable?: boolean;
  /** The project's chosen score columns, with each run's cells. */
  scoreColumns?: ScoreColumns;
}) {
  const before = staleBefore();
  return (
    <RunsTableView
      slug={slug}
      rows={runs.map((r) => toRow(r, before, search, scoreColumns))}
      scoreNames={scoreColumns?.names}
      showThread={showThread}
      words={search?.words}
      selectable={selectable}
    />
  );
}
