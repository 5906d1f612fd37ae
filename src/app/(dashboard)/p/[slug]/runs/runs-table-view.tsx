'use client';
import { useRouter } from 'next/navigation';
import type { MouseEvent } from 'react';
import { type RunRow, RunRowView } from './runs-table-row';

export type { RunRow };

/**
 * A plain left click on a link in the table opens it in the app (a client navigation, as `Link` does);
 * a modified click (new tab, download) or a middle click is the browser's.
 */
function useTableLinks() {
  const router = useRouter();
  return (e: MouseEvent<HTMLTableElement>) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = (e.target as Element).closest('a');
    if (!a || a.target || a.origin !== window.location.origin) return;
    e.preventDefault();
    router.push(a.pathname + a.search + a.hash);
  };
}

/**
 * The runs table. Its columns have set widths (`table-layout: fixed`, globals.css `.runs-tbl`): the
 * browser lays out a new page of rows without measuring every cell's content first, and the columns
 * do not move from page to page. The name takes the width the others leave.
 */
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
  const onClick = useTableLinks();
  return (
    <div className="overflow-x-auto" data-scroll-x>
      {/* biome-ignore lint/a11y/useKeyWithClickEvents: the links inside are the targets; Enter on a link clicks it */}
      <table className="tbl runs-tbl" data-testid="runs-table" onClick={onClick}>
        <colgroup>
          {selectable && <col className="w-9" />}
          <col className="w-30" />
          <col />
          <col className="w-20" />
          <col className="w-20" />
          <col className="w-24" />
          <col className="w-30" />
          <col className="w-22" />
          <col className="w-19" />
          <col className="w-19" />
          <col className="w-19" />
          <col className="w-24" />
          {scoreNames?.map((n) => (
            <col key={n} className="w-24" />
          ))}
        </colgroup>
        <thead>
          <tr>
            {selectable && (
              <th className="th">
                <span className="sr-only">Compare</span>
              </th>
            )}
            <th className="th">Status</th>
            <th className="th">Name</th>
            <th className="th">Kind</th>
            <th className="th">User</th>
            <th className="th">Model</th>
            <th className="th">Started (UTC)</th>
            <th className="th text-right">Duration</th>
            <th className="th text-right">Tokens</th>
            <th className="th text-right">Cost</th>
            <th className="th text-right">Events</th>
            <th className="th">Tags</th>
            {scoreNames?.map((n) => (
              <th key={n} className="th c-cut text-right" data-testid="score-column" title={n}>
                {n}
              </th>
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
      </table>
    </div>
  );
}
