'use client';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, useState } from 'react';
import { EventRow } from './event-row';
import type { ReplayEvent } from './model';

const ROW_HEIGHT = 27;

/** Every raw event, virtualized (100,000 rows scroll like 100), synced with the replay position. */
export function EventInspector({
  events,
  count,
  position,
  onSeek,
  loading,
  total,
  start,
}: {
  /** Grows in place as pages load; `count` is how many of them to show. */
  events: ReplayEvent[];
  count: number;
  position: number;
  onSeek: (index: number) => void;
  loading: boolean;
  total: number;
  /** The run's first timestamp (ms): rows show their offset from it. */
  start: number;
}) {
  const parent = useRef<HTMLDivElement>(null);
  const [expanded, setExpanded] = useState<Set<number>>(() => new Set());
  const eventsRef = useRef(events);
  eventsRef.current = events;
  // Stable callbacks: new ones on every render would make the virtualizer recompute every row's offset.
  const getScrollElement = useCallback(() => parent.current, []);
  const estimateSize = useCallback(() => ROW_HEIGHT, []);
  const getItemKey = useCallback((i: number) => eventsRef.current[i]?.seq ?? i, []);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement,
    estimateSize,
    overscan: 12,
    getItemKey,
    useFlushSync: false,
  });
  const t0 = Number.isFinite(start) ? start : 0;

  useEffect(() => {
    if (position >= 0 && position < count) virtualizer.scrollToIndex(position, { align: 'auto' });
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
          {virtualizer.getVirtualItems().map((item) => {
            const e = events[item.index]!;
            return (
              <div
                key={item.key}
                data-index={item.index}
                ref={expanded.has(e.seq) ? virtualizer.measureElement : undefined}
                style={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  width: '100%',
                  transform: `translateY(${item.start}px)`,
                }}
              >
                <EventRow
                  event={e}
                  index={item.index}
                  current={item.index === position}
                  past={item.index <= position}
                  expanded={expanded.has(e.seq)}
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
