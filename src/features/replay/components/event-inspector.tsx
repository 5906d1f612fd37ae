'use client';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, useState } from 'react';
import { EventRow } from './event-row';
import type { ReplayStore } from './store';

const ROW_HEIGHT = 27;

/**
 * Every raw event, virtualized (100,000 rows scroll like 100), synced with the replay position. A row's
 * seq, time and type come from the store's index; its payload from the store's window, which keeps
 * (and fetches) the rows in view.
 */
export function EventInspector({
  store,
  count,
  position,
  onSeek,
  loading,
  total,
  start,
}: {
  /** Grows in place as pages load; `count` is how many of its events to show. */
  store: ReplayStore;
  count: number;
  /** The replay position's index; null: the complete run (the end, followed while the list is at it). */
  position: number | null;
  onSeek: (index: number) => void;
  loading: boolean;
  total: number;
  /** The run's first timestamp (ms): rows show their offset from it. */
  start: number;
}) {
  const parent = useRef<HTMLDivElement>(null);
  const [expanded, setExpanded] = useState<Set<number>>(() => new Set());
  const storeRef = useRef(store);
  storeRef.current = store;
  // Stable callbacks: new ones on every render would make the virtualizer recompute every row's offset.
  const getScrollElement = useCallback(() => parent.current, []);
  const estimateSize = useCallback(() => ROW_HEIGHT, []);
  const getItemKey = useCallback(
    (i: number) => (i < storeRef.current.length ? storeRef.current.seqAt(i) : i),
    [],
  );
  const virtualizer = useVirtualizer({
    count,
    getScrollElement,
    estimateSize,
    overscan: 12,
    getItemKey,
    useFlushSync: false,
    // Rows are only ever appended: a list scrolled to its end (a live run's tail) stays at the end as
    // they come; anywhere else it stays where the reader put it.
    anchorTo: 'end',
    followOnAppend: true,
  });
  const t0 = Number.isFinite(start) ? start : 0;
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const end = (items.at(-1)?.index ?? -1) + 1;
  // The rows in view keep their payloads (fetched when the window had dropped them).
  useEffect(() => {
    store.want('inspector', first, end);
  }, [store, first, end]);

  useEffect(() => {
    if (position !== null && position >= 0 && position < count)
      virtualizer.scrollToIndex(position, { align: 'auto' });
  }, [position, count, virtualizer]);

  const toggle = useCallback(
    (seq: number, index: number) => {
      setExpanded((prev) => {
        const next = new Set(prev);
        if (next.has(seq)) {
          next.delete(seq);
          // Collapsed rows are not measured: give this one its fixed height back.
          virtualizer.resizeItem(index, ROW_HEIGHT);
        } else next.add(seq);
        return next;
      });
    },
    [virtualizer],
  );

  return (
    <div className="flex flex-col">
      <div className="flex items-center justify-between border-b border-zinc-200 px-3 py-2 text-xs text-zinc-500">
        <span>
          {count.toLocaleString('en-US')}
          {loading ? ` of ${total.toLocaleString('en-US')} loaded…` : ' events'}
        </span>
        <span>click a row to seek · ▸ to expand</span>
      </div>
      <div ref={parent} className="h-[460px] overflow-auto" data-testid="event-inspector">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const seq = store.seqAt(item.index);
            return (
              <div
                key={item.key}
                data-index={item.index}
                ref={expanded.has(seq) ? virtualizer.measureElement : undefined}
                style={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  width: '100%',
                  transform: `translateY(${item.start}px)`,
                }}
              >
                <EventRow
                  seq={seq}
                  type={store.typeAt(item.index)}
                  ts={store.tsAt(item.index)}
                  event={store.eventAt(item.index)}
                  index={item.index}
                  current={item.index === position}
                  past={position === null || item.index <= position}
                  expanded={expanded.has(seq)}
                  t0={t0}
                  onSeek={onSeek}
                  onToggle={toggle}
                />
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
