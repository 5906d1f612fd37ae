import { StatusBadge } from '@/components/ui/badge';
import { projectPath } from '@/lib/project-path';
import { snippet } from '@/lib/search-highlight';
import { Highlighted } from './highlighted';

/**
 * A run as the table shows it, formatted on the server: the page data carries these few strings per
 * row (each id once) and the browser builds the cells, instead of every cell's element tree.
 */
export type RunRow = {
  id: string;
  name: string;
  status: string;
  stale: boolean;
  kind: string;
  userId: string | null;
  model: string | null;
  threadId: string | null;
  started: string;
  duration: string;
  tokens: string;
  cost: string;
  events: string;
  tags: string[];
  /** In a search: the first matching event (the link opens the replay there). */
  match?: { seq: number; text: string };
  /** The chosen score columns' cells, in the order of `scoreNames`. */
  scores?: string[];
};

/** Tags shown per row; the rest are counted (all of them are in the cell's title). */
const MAX_TAGS = 1;

/*
 * A row is plain elements (no component per cell, no Link): a page change replaces 50 rows, and each
 * `Link` was a component with its own hooks and effects. The table opens the row links in the app
 * (RunsTableView's click handler), so they still navigate without a full page load, and they never
 * prefetch (50 to 100 of them come into view with each page).
 */

function NameCell({ slug, row, words }: { slug: string; row: RunRow; words?: string[] }) {
  const runPath = projectPath(slug, 'runs', row.id);
  const href = row.match ? `${runPath}?seq=${row.match.seq}` : runPath;
  return (
    <>
      <a href={href} className="run-link">
        {words ? <Highlighted text={row.name} words={words} /> : row.name}
      </a>
      {words && row.match && (
        <a href={href} className="sub-link" data-testid="search-snippet" title={row.match.text}>
          #{row.match.seq}: <Highlighted text={snippet(row.match.text, words.join(' '))} words={words} />
        </a>
      )}
    </>
  );
}

/** One run's row: its cells built in the browser from the row's few strings. */
export function RunRowView({
  slug,
  row,
  showThread,
  words,
  selectable,
  scoreNames,
}: {
  slug: string;
  row: RunRow;
  showThread: boolean;
  words?: string[];
  selectable: boolean;
  scoreNames?: string[];
}) {
  return (
    <tr className="row" data-status={row.status}>
      {selectable && (
        <td className="td">
          <input
            type="checkbox"
            name="run"
            value={row.id}
            form="compare-form"
            aria-label={`Compare ${row.name}`}
          />
        </td>
      )}
      <td className="td">
        <StatusBadge status={row.status} stale={row.stale} />
      </td>
      {/* The name takes the width the other columns leave (the table fits a 1400 px window). */}
      <td className="td c-name">
        <NameCell slug={slug} row={row} words={words} />
        {showThread && row.threadId && (
          <a href={projectPath(slug, 'threads', row.threadId)} className="sub-link">
            thread {row.threadId}
          </a>
        )}
      </td>
      <td className="td c-cut">{row.kind}</td>
      <td className="td c-cut">{row.userId ?? '—'}</td>
      <td className="td c-cut c-model" title={row.model ?? undefined}>
        {row.model ?? '—'}
      </td>
      <td className="td c-time">{row.started}</td>
      <td className="td num">{row.duration}</td>
      <td className="td num">{row.tokens}</td>
      <td className="td num">{row.cost}</td>
      <td className="td num">{row.events}</td>
      <td className="td" title={row.tags.join(', ')}>
        <div className="c-tags">
          {row.tags.slice(0, MAX_TAGS).map((t) => (
            <span key={t} className="badge b-violet c-tag">
              {t}
            </span>
          ))}
          {row.tags.length > MAX_TAGS && <span className="c-more">+{row.tags.length - MAX_TAGS}</span>}
        </div>
      </td>
      {row.scores?.map((cell, i) => (
        <td key={scoreNames?.[i] ?? i} className="td num" data-score={scoreNames?.[i]}>
          {cell}
        </td>
      ))}
    </tr>
  );
}
