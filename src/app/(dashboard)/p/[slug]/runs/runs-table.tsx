import Link from 'next/link';
import { Badge, StatusBadge } from '@/components/ui/badge';
import { Table, Td, Th } from '@/components/ui/table';
import type { Run } from '@/db/schema';
import type { ContentMatch } from '@/server/search';
import { RunNameCell } from './run-name-cell';
import type { ScoreColumns } from './score-history';
import { projectPath } from '@/lib/project-path';
import { isStale, staleBefore } from '@/lib/run-liveness';
import { formatCost, formatDuration, formatShortTime, formatTokens, runDuration } from '@/lib/format';

/** Tags shown per row; the rest are counted (all of them are in the cell's title). */
const MAX_TAGS = 1;

export type RunsTableSearch = { words: string[]; matches: Map<string, ContentMatch> };

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
    <Table data-testid="runs-table">
      <thead>
        <tr>
          {selectable && (
            <Th className="w-8">
              <span className="sr-only">Compare</span>
            </Th>
          )}
          <Th>Status</Th>
          <Th>Name</Th>
          <Th>Kind</Th>
          <Th>User</Th>
          <Th>Model</Th>
          <Th>Started (UTC)</Th>
          <Th className="text-right">Duration</Th>
          <Th className="text-right">Tokens</Th>
          <Th className="text-right">Cost</Th>
          <Th className="text-right">Events</Th>
          <Th>Tags</Th>
          {scoreColumns?.names.map((n) => (
            <Th key={n} className="text-right" data-testid="score-column">
              {n}
            </Th>
          ))}
        </tr>
      </thead>
      <tbody>
        {runs.map((run) => (
          <tr key={run.id} className="row" data-status={run.status}>
            {selectable && (
              <Td>
                <input
                  type="checkbox"
                  name="run"
                  value={run.id}
                  form="compare-form"
                  aria-label={`Compare ${run.name}`}
                />
              </Td>
            )}
            <Td>
              <StatusBadge status={run.status} stale={isStale(run, before)} />
            </Td>
            {/* The name takes the width the other columns leave (the table fits a 1400 px window). */}
            <Td className="w-full min-w-36 max-w-0">
              <RunNameCell slug={slug} run={run} search={search} />
              {showThread && run.threadId && (
                <Link href={projectPath(slug, 'threads', run.threadId)} className="sub-link">
                  thread {run.threadId}
                </Link>
              )}
            </Td>
            <Td>{run.kind}</Td>
            <Td className="max-w-24 truncate">{run.userId ?? '—'}</Td>
            <Td className="max-w-28 truncate font-mono text-xs" title={run.model ?? undefined}>
              {run.model ?? '—'}
            </Td>
            <Td className="whitespace-nowrap tabular-nums">
              {formatShortTime(run.startedAt ?? run.createdAt)}
            </Td>
            <Td className="num">
              {run.startedAt ? formatDuration(runDuration(run.startedAt, run.endedAt)) : '—'}
            </Td>
            <Td className="num">{formatTokens(run.totalTokens)}</Td>
            <Td className="num">{formatCost(run.costUsd)}</Td>
            <Td className="num">{run.eventCount.toLocaleString('en-US')}</Td>
            <Td>
              <div className="flex max-w-36 items-center gap-1 whitespace-nowrap" title={run.tags.join(', ')}>
                {run.tags.slice(0, MAX_TAGS).map((t) => (
                  <Badge key={t} tone="violet" className="min-w-0">
                    <span className="truncate">{t}</span>
                  </Badge>
                ))}
                {run.tags.length > MAX_TAGS && (
                  <span className="text-xs text-zinc-400">+{run.tags.length - MAX_TAGS}</span>
                )}
              </div>
            </Td>
            {scoreColumns?.names.map((n) => (
              <Td key={n} className="text-right tabular-nums" data-score={n}>
                {scoreColumns.cells.get(run.id)?.get(n) ?? '—'}
              </Td>
            ))}
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
