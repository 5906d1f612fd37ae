import Link from 'next/link';
import { Badge, StatusBadge } from '@/components/ui/badge';
import { Td } from '@/components/ui/table';
import { snippet } from '@/lib/search-highlight';
import { projectPath } from '@/lib/project-path';
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
 * Row links do not prefetch: 50 to 100 of them come into view with each page, and their prefetches
 * competed with the page's own request on the server and the main thread (bench/browser's profile).
 */

function NameCell({ slug, row, words }: { slug: string; row: RunRow; words?: string[] }) {
  const runPath = projectPath(slug, 'runs', row.id);
  const href = row.match ? `${runPath}?seq=${row.match.seq}` : runPath;
  return (
    <>
      <Link href={href} className="run-link" prefetch={false}>
        {words ? <Highlighted text={row.name} words={words} /> : row.name}
      </Link>
      {words && row.match && (
        <Link
          href={href}
          className="sub-link"
          prefetch={false}
          data-testid="search-snippet"
          title={row.match.text}
        >
          #{row.match.seq}: <Highlighted text={snippet(row.match.text, words.join(' '))} words={words} />
        </Link>
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
    <tr key={row.id} className="row" data-status={row.status}>
      {selectable && (
        <Td>
          <input
            type="checkbox"
            name="run"
            value={row.id}
            form="compare-form"
            aria-label={`Compare ${row.name}`}
          />
        </Td>
      )}
      <Td>
        <StatusBadge status={row.status} stale={row.stale} />
      </Td>
      {/* The name takes the width the other columns leave (the table fits a 1400 px window). */}
      <Td className="c-name">
        <NameCell slug={slug} row={row} words={words} />
        {showThread && row.threadId && (
          <Link href={projectPath(slug, 'threads', row.threadId)} className="sub-link" prefetch={false}>
            thread {row.threadId}
          </Link>
        )}
      </Td>
      <Td>{row.kind}</Td>
      <Td className="c-user">{row.userId ?? '—'}</Td>
      <Td className="c-model" title={row.model ?? undefined}>
        {row.model ?? '—'}
      </Td>
      <Td className="c-time">{row.started}</Td>
      <Td className="num">{row.duration}</Td>
      <Td className="num">{row.tokens}</Td>
      <Td className="num">{row.cost}</Td>
      <Td className="num">{row.events}</Td>
      <Td>
        <div className="c-tags" title={row.tags.join(', ')}>
          {row.tags.slice(0, MAX_TAGS).map((t) => (
            <Badge key={t} tone="violet" className="min-w-0">
              <span className="truncate">{t}</span>
            </Badge>
          ))}
          {row.tags.length > MAX_TAGS && (
            <span className="text-xs text-zinc-400">+{row.tags.length - MAX_TAGS}</span>
          )}
        </div>
      </Td>
      {row.scores?.map((cell, i) => (
        <Td key={scoreNames?.[i] ?? i} className="num" data-score={scoreNames?.[i]}>
          {cell}
        </Td>
      ))}
    </tr>
  );
}
