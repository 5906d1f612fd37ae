'use client';
import { memo } from 'react';
import { cn } from '@/lib/cn';
import { prettyJson } from '@/lib/format';
import { isErrorEvent, type ReplayEvent } from '../lib/model';

function preview(payload: unknown): string {
  if (payload && typeof payload === 'object') {
    const p = payload as Record<string, unknown>;
    const v = p.delta ?? p.text ?? p.toolName ?? p.errorText ?? p.status;
    if (typeof v === 'string') return v;
  }
  const s = JSON.stringify(payload) ?? '';
  return s === '{}' ? '' : s;
}

/** One raw event: seq, offset, type and a preview; expands to its JSON (once its payload is held). */
export const EventRow = memo(function EventRow({
  seq,
  type,
  ts,
  event,
  index,
  current,
  past,
  expanded,
  t0,
  onSeek,
  onToggle,
}: {
  seq: number;
  type: string;
  /** Timestamp (ms). */
  ts: number;
  /** The event with its payload; undefined while it is fetched. */
  event: ReplayEvent | undefined;
  index: number;
  current: boolean;
  past: boolean;
  expanded: boolean;
  t0: number;
  onSeek: (index: number) => void;
  onToggle: (seq: number, index: number) => void;
}) {
  const offset = (ts - t0) / 1000;
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
      data-seq={seq}
      aria-current={current ? 'step' : undefined}
    >
      <div className="flex h-[26px] items-center gap-2 px-2">
        <button
          type="button"
          onClick={() => onToggle(seq, index)}
          aria-label={expanded ? `Collapse event ${seq}` : `Expand event ${seq}`}
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
          <span className="w-10 shrink-0 text-right font-mono tabular-nums text-zinc-400">{seq}</span>
          <span className="w-14 shrink-0 text-right font-mono tabular-nums text-zinc-400">
            +{offset.toFixed(2)}s
          </span>
          <span
            className={cn(
              'w-36 shrink-0 truncate font-mono',
              isErrorEvent(type)
                ? 'text-red-600'
                : type.startsWith('tool-')
                  ? 'text-violet-700'
                  : 'text-zinc-700',
            )}
          >
            {type}
          </span>
          <span className="min-w-0 truncate text-zinc-500">{event ? preview(event.payload) : '…'}</span>
        </button>
      </div>
      {expanded && (
        <pre className="mx-2 mb-2 max-h-80 overflow-auto whitespace-pre-wrap break-words rounded bg-zinc-900 p-2 font-mono text-[11px] text-zinc-100">
          {event
            ? prettyJson({ seq: event.seq, type: event.type, ts: event.ts, payload: event.payload })
            : 'Loading…'}
        </pre>
      )}
    </div>
  );
});
