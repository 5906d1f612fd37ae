import 'server-only';
import type { MessageFoldState } from '@/lib/replay/fold';
import type { ReplayClock, TranscriptItem, TranscriptState } from '@/lib/replay/transcript';

/**
 * A transcript checkpoint as stored: only what changed since the run's previous checkpoint, so a
 * run's chain holds its transcript about once (not once per checkpoint). Closed items never change,
 * so a checkpoint lists those closed since the previous one; the open message's parts are
 * copy-on-write, so the prefix still identical (same objects) to the previous checkpoint's is kept by
 * count and only the parts after it are stored.
 */
export type StoredCheckpoint = {
  closedFrom: number;
  closed: TranscriptItem[];
  open: {
    key: string;
    seq: number;
    lastSeq: number;
    keep: number;
    parts: MessageFoldState['parts'];
    rest: Omit<MessageFoldState, 'parts'>;
  } | null;
  clock: ReplayClock;
};

export function encodeCheckpoint(
  prev: TranscriptState | null,
  cur: TranscriptState,
  clock: ReplayClock,
): StoredCheckpoint {
  const prevClosed = prev?.closed ?? [];
  let closedFrom = 0;
  while (
    closedFrom < prevClosed.length &&
    closedFrom < cur.closed.length &&
    prevClosed[closedFrom] === cur.closed[closedFrom]
  ) {
    closedFrom++;
  }
  let open: StoredCheckpoint['open'] = null;
  if (cur.open) {
    const { parts, ...rest } = cur.open.state;
    const before = prev?.open?.key === cur.open.key ? prev.open.state.parts : [];
    let keep = 0;
    while (keep < before.length && keep < parts.length && before[keep] === parts[keep]) keep++;
    open = {
      key: cur.open.key,
      seq: cur.open.seq,
      lastSeq: cur.open.lastSeq,
      keep,
      parts: parts.slice(keep),
      rest,
    };
  }
  return { closedFrom, closed: cur.closed.slice(closedFrom), open, clock: { ...clock } };
}

/** Applies a stored checkpoint to the state of the checkpoint before it (null: none before). */
export function decodeCheckpoint(prev: TranscriptState | null, stored: StoredCheckpoint): TranscriptState {
  const closed = (prev?.closed ?? []).slice(0, stored.closedFrom).concat(stored.closed);
  const o = stored.open;
  if (!o) return { closed, open: null };
  const before = o.keep > 0 && prev?.open?.key === o.key ? prev.open.state.parts.slice(0, o.keep) : [];
  return {
    closed,
    open: {
      key: o.key,
      seq: o.seq,
      lastSeq: o.lastSeq,
      state: { ...o.rest, metadata: o.rest.metadata, parts: before.concat(o.parts) },
    },
  };
}
