'use client';
import { Table, Th } from '@/components/ui/table';
import { type RunRow, RunRowView } from './runs-table-row';

export type { RunRow };

export function RunsTableView({
  slug,
  rows,
  showThread,
  words,
  selectable,
  scoreNames,
}: {
  slug: string;
  rows: RunRow[];
  showThread: boolean;
  /** A search's words: marked in names and snippets. */
  words?: string[];
  selectable: boolean;
  /** Score columns chosen for the project, after the tags. */
  scoreNames?: string[];
}) {
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
          {scoreNames?.map((n) => (
            <Th key={n} className="text-right" data-testid="score-column">
              {n}
            </Th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <RunRowView
            key={row.id}
            slug={slug}
            row={row}
            showThread={showThread}
            words={words}
            selectable={selectable}
            scoreNames={scoreNames}
          />
        ))}
      </tbody>
    </Table>
  );
}
