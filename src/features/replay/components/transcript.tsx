'use client';
import { useWindowVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useLayoutEffect, useRef, useState } from 'react';
import type { EarlierParts } from './earlier-parts';
import { RowView } from './transcript-row';
import type { TranscriptRow } from './transcript-rows';

const ESTIMATE = 72;
/** Rows the server HTML shows at a moment (`?seq=N`): the last few before it, so the HTML paints it. */
const TAIL = 4;

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
