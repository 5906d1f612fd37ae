'use client';
import { memo, useEffect, useRef } from 'react';
import { cn } from '@/lib/cn';
import type { EarlierParts } from './earlier-parts';
import { PartView } from './parts';
import type { TranscriptRow } from './transcript-rows';

// The transcript's rows: a user message, the earlier parts not sent yet, a slice of an assistant message.

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

/** One row of the transcript, whatever its kind. */
export function RowView({
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
