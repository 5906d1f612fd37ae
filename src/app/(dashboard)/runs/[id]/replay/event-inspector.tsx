'use client';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useRef, useState } from 'react';
import { cn } from '@/lib/cn';
import { prettyJson } from '@/lib/format';
import { isErrorEvent, type ReplayEvent } from './model';

function preview(payload: unknown): string {
  if (payload && typeof payload === 'object') {
    const p = payload as Record<string, unknown>;
    const v = p.delta ?? p.text ?? p.toolName ?? p.errorText ?? p.status;
    if (typeof v === 'string') return v;
  }
  const s = JSON.stringify(payload) ?? '';
  return s === '{}' ? '' : s;
}

const Row = memo(function Row({
  event,
  index,
  current,
  past,
  expanded,
  t0,
  onSeek,
  onToggle,
}: {
  event: ReplayEvent;
  index: number;
  current: boolean;
  past: boolean;
  expanded: boolean;
  t0: number;
  onSeek: (index: number) => void;
  onToggle: (seq: number, index: number) => void;
}) {
  const offset = (Date.parse(event.ts) - t0) / 1000;
  return (
    <div
      className={cn(
        'border-b border-zinc-100 text-xs',
        current
          ? 'bg-amber-50 ring-1 ring-inset ring-amber-300'
          : past
            ? 'bg-white'
            : 'bg-zinc-50/70 text-zinc-400',
      )}
      data-testid="event-row"
      data-seq={event.seq}
      aria-current={current ? 'step' : undefined}
    >
      <div className="flex h-[26px] items-center gap-2 px-2">
        <button
          type="button"
          onClick={() => onToggle(event.seq, index)}
          aria-label={expanded ? `Collapse event ${event.seq}` : `Expand event ${event.seq}`}
          aria-expanded={expanded}
          className="w-4 shrink-0 text-zinc-400 hover:text-zinc-900"
        >
          {expanded ? '▾' : '▸'}
        </button>
        <button
          type="button"
          onClick={() => onSeek(index)}
          className="flex min-w-0 flex-1 items-center gap-2 text-left"
          title="Seek the replay to this event"
        >
          <span className="w-10 shrink-0 text-right font-mono tabular-nums text-zinc-400">{event.seq}</span>
          <span className="w-14 shrink-0 text-right font-mono tabular-nums text-zinc-400">
            +{offset.toFixed(2)}s
          </span>
          <span
            className={cn(
              'w-36 shrink-0 truncate font-mono',
              isErrorEvent(event.type)
                ? 'text-red-600'
                : event.type.startsWith('tool-')
                  ? 'text-violet-700'
                  : 'text-zinc-700',
            )}
          >
            {event.type}
          </span>
          <span className="min-w-0 truncate text-zinc-500">{preview(event.payload)}</span>
        </button>
      </div>
      {expanded && (
        <pre className="mx-2 mb-2 max-h-80 overflow-auto whitespace-pre-wrap break-words rounded bg-zinc-900 p-2 font-mono text-[11px] text-zinc-100">
          {prettyJson({ seq: event.seq, type: event.type, ts: event.ts, payload: event.payload })}
        </pre>
      )}
    </div>
  );
});

const ROW_HEIGHT = 27;

/** Every raw event, virtualized (100,000 rows scroll like 100), synced with the replay position. */
export function EventInspector({
  events,
  position,
  onSeek,
  loading,
  total,
}: {
  events: ReplayEvent[];
  position: number;
  onSeek: (index: number) => void;
  loading: boolean;
  total: number;
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
    count: events.length,
    getScrollElement,
    estimateSize,
    overscan: 12,
    getItemKey,
  });
  const t0 = events.length ? Date.parse(events[0]!.ts) : 0;

  useEffect(() => {
    if (position >= 0 && position < events.length) virtualizer.scrollToIndex(position, { align: 'auto' });
  }, [position, events.length, virtualizer]);

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
          {events.length.toLocaleString('en-US')}
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
                <Row
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
