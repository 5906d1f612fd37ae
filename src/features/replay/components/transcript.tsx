'use client';
import { useWindowVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { cn } from '@/lib/cn';
import type { EarlierParts } from './earlier-parts';
import { PartView } from './parts';
import type { TranscriptRow } from './transcript-rows';

function UserRow({ text }: { text: string }) {
  return (
    <div className="flex justify-end pb-4">
      <div
        data-testid="user-message"
        className="max-w-[85%] rounded-2xl rounded-br-sm bg-zinc-900 px-4 py-2 text-sm text-white"
      >
        <p className="whitespace-pre-wrap break-words">{text}</p>
      </div>
    </div>
  );
}

/**
 * The top of a message whose earlier parts the page was not sent (opened at a moment): they are fetched
 * when this row comes into view (scrolling back), a block at a time, or on a click.
 */
function EarlierRow({
  row,
  earlier,
}: {
  row: Extract<TranscriptRow, { kind: 'earlier' }>;
  earlier: EarlierParts;
}) {
  const el = useRef<HTMLDivElement>(null);
  // A new observer after each block (`row.count` moves): still in view, it fetches the next one.
  // biome-ignore lint/correctness/useExhaustiveDependencies: row.count is the trigger, not a value read
  useEffect(() => {
    const node = el.current;
    if (!node || earlier.error) return;
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) void earlier.loadMore();
    });
    io.observe(node);
    return () => io.disconnect();
  }, [earlier, earlier.error, row.count]);
  return (
    <div className="flex justify-start">
      <div
        ref={el}
        data-testid="earlier-parts"
        className="flex w-full max-w-[92%] flex-col gap-1 rounded-t-2xl border-x border-t border-zinc-200 bg-white px-4 pt-3 pb-1.5 text-xs text-zinc-400"
      >
        <button
          type="button"
          className="text-left hover:text-zinc-700"
          onClick={() => void earlier.loadMore()}
        >
          {earlier.loading ? 'Loading' : 'Show'} {row.count.toLocaleString('en-US')} earlier parts
          {row.steps > 0 && ` (${row.steps.toLocaleString('en-US')} steps)`}…
        </button>
        {earlier.error && <span className="text-red-600">{earlier.error}</span>}
      </div>
    </div>
  );
}

/** One slice of an assistant bubble: the first slice has the top corners, the last the bottom ones. */
const AssistantSlice = memo(function AssistantSlice({
  row,
  streaming,
}: {
  row: Exclude<TranscriptRow, { kind: 'user' | 'earlier' }>;
  streaming: boolean;
}) {
  return (
    <div className={cn('flex justify-start', row.last && 'pb-4')}>
      <div
        data-testid={row.first ? 'assistant-message' : undefined}
        className={cn(
          'flex w-full max-w-[92%] flex-col gap-2.5 border-x border-zinc-200 bg-white px-4 pt-1.5 pb-1.5',
          row.first && 'rounded-t-2xl border-t pt-3',
          row.last && 'rounded-b-2xl rounded-bl-sm border-b pb-3',
        )}
      >
        {row.kind === 'part' ? (
          <PartView part={row.part} step={row.step} />
        ) : row.error ? (
          <p role="note" className="rounded bg-red-50 px-2 py-1.5 text-sm text-red-700">
            Error: {row.text}
          </p>
        ) : (
          <span className="text-xs text-zinc-400">{row.text}</span>
        )}
        {streaming && <span className="inline-block h-4 w-1.5 animate-pulse bg-zinc-400" aria-hidden />}
      </div>
    </div>
  );
});

const ESTIMATE = 72;
/** Rows the server HTML shows at a moment (`?seq=N`): the last few before it, so the HTML paints it. */
const TAIL = 4;

function RowView({
  row,
  streaming,
  earlier,
}: {
  row: TranscriptRow;
  streaming: boolean;
  earlier: EarlierParts | null;
}) {
  if (row.kind === 'user') return <UserRow text={row.text} />;
  if (row.kind === 'earlier') return earlier && <EarlierRow row={row} earlier={earlier} />;
  return <AssistantSlice row={row} streaming={streaming} />;
}

/**
 * The conversation, windowed over the page's scroll: only the rows in and near the viewport are in the
 * DOM (a row is a user message or one part of an assistant message, so a single message of a thousand
 * steps is windowed too). Rows sit in normal flow between two spacers, so the server-rendered first
 * screen lays out exactly as it will once measured: nothing above the viewport moves while more loads.
 */
export function Transcript({
  rows,
  playing,
  showEnd,
  pending = false,
  earlier = null,
}: {
  rows: TranscriptRow[];
  playing: boolean;
  /** The rows are the last moment's while the events of the new one are fetched. */
  pending?: boolean;
  /** The left-out parts of the message a `?seq=` page opened in (fetched when scrolled back to). */
  earlier?: EarlierParts | null;
  /** Scroll to the last row once (the page opened at a moment: `?seq=N`). */
  showEnd: boolean;
}) {
  const list = useRef<HTMLOListElement>(null);
  const [margin, setMargin] = useState(0);
  // Opened at a moment, the server HTML (and the hydration render, which must match it) holds only the
  // last rows in flow, so the moment is on screen without JS; the windowed list takes over before the
  // first paint after hydration and scrolls to its end.
  const [tail, setTail] = useState(showEnd && rows.length > TAIL);
  useLayoutEffect(() => {
    const el = list.current;
    if (el) setMargin(el.getBoundingClientRect().top + window.scrollY);
    setTail(false);
  }, []);
  const rowsRef = useRef(rows);
  rowsRef.current = rows;
  const getItemKey = useCallback((i: number) => rowsRef.current[i]?.key ?? i, []);
  const estimateSize = useCallback(() => ESTIMATE, []);
  // Opened at a moment, the windowed list starts at (an estimate of) its end, where the server's tail
  // rows are: its first render keeps them (same keys) instead of mounting the first rows of the
  // transcript, measuring them, and then replacing them all once it has scrolled to the end.
  const initialOffset = useCallback(() => {
    if (typeof window === 'undefined') return 0;
    if (!showEnd) return window.scrollY;
    const el = list.current;
    const top = el ? el.getBoundingClientRect().top + window.scrollY : 0;
    return Math.max(0, top + rowsRef.current.length * ESTIMATE - window.innerHeight);
  }, [showEnd]);
  const virtualizer = useWindowVirtualizer({
    count: rows.length,
    estimateSize,
    getItemKey,
    overscan: 3,
    scrollMargin: margin,
    initialOffset,
    initialRect: { width: 1000, height: 1000 },
    // Scroll updates are batched by React instead of each rendering synchronously.
    useFlushSync: false,
  });
  const shownEnd = useRef(false);
  useLayoutEffect(() => {
    if (!showEnd || shownEnd.current || tail || rows.length === 0 || margin === 0) return;
    shownEnd.current = true;
    virtualizer.scrollToIndex(rows.length - 1, { align: 'end' });
  }, [showEnd, tail, rows.length, margin, virtualizer]);
  if (rows.length === 0) {
    return (
      <p className="px-1 py-8 text-center text-sm text-zinc-400">
        Nothing has happened yet at this point of the run.
      </p>
    );
  }
  const lastOpen = rows.at(-1);
  const isStreaming = (row: TranscriptRow) => playing && row === lastOpen && row.kind === 'part' && row.open;
  if (tail) {
    const from = rows.length - TAIL;
    return (
      <ol ref={list} data-testid="transcript">
        {rows.slice(from).map((row, i) => (
          <li key={row.key} data-index={from + i} data-seq={row.seq}>
            <RowView row={row} streaming={isStreaming(row)} earlier={earlier} />
          </li>
        ))}
      </ol>
    );
  }
  const items = virtualizer.getVirtualItems();
  const before = items.length ? items[0]!.start - margin : 0;
  const after = items.length ? virtualizer.getTotalSize() - (items.at(-1)!.end - margin) : 0;
  return (
    <ol
      ref={list}
      data-testid="transcript"
      data-pending={pending || undefined}
      aria-busy={pending || undefined}
      style={{ paddingTop: before, paddingBottom: Math.max(0, after) }}
    >
      {items.map((v) => {
        const row = rows[v.index]!;
        return (
          <li key={v.key} data-index={v.index} data-seq={row.seq} ref={virtualizer.measureElement}>
            <RowView row={row} streaming={isStreaming(row)} earlier={earlier} />
          </li>
        );
      })}
    </ol>
  );
}
