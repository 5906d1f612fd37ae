import type { AnyPart, MessageFold, MessageFoldState, PartialCall } from '@/features/replay/lib/fold';
import {
  type TranscriptItem,
  TranscriptFolder,
  type TranscriptState,
} from '@/features/replay/lib/transcript';
import type { ReplayEvent } from '../lib/model';
import { CHUNK } from './payload-cache';

export type { TranscriptItem } from '@/features/replay/lib/transcript';

/**
 * Everything needed to resume folding after `count` events, without the events before it. What grows
 * with the open message is not copied: its parts before the current step (`shared` of them) and its
 * streamed tool calls are the live fold's (`live`), except those replaced since (`kept`, `keptCalls`
 * hold what they were then). So a checkpoint costs the current step, not the message.
 */
type Checkpoint = {
  count: number;
  itemsLen: number;
  open: {
    key: string;
    seq: number;
    lastSeq: number;
    state: Omit<MessageFoldState, 'parts' | 'partialCalls'>;
    /** The fold the shared parts and calls are read from (null: `tail` and `calls` are the whole state). */
    live: MessageFold | null;
    shared: number;
    tail: AnyPart[];
    calls: MessageFoldState['partialCalls'] | null;
    kept: Map<number, AnyPart> | null;
    keptCalls: Map<string, PartialCall> | null;
  } | null;
};

/** Events between checkpoints: the most a moment's transcript folds, and fetches (one payload chunk). */
const CHECKPOINT_GAP = CHUNK;

/**
 * The browser's side of the transcript: folds each event once as it arrives (`fold`), keeping the whole
 * transcript and in-memory checkpoints, and answers the transcript at any earlier point by folding
 * forward from the nearest checkpoint. It does not keep the events: `at` reads those it needs through
 * `eventAt` (the store's payload window) and, when one is not held, stops there (`missingFrom`) until
 * the store has fetched it. `base` is where the events start: the server's transcript checkpoint when
 * the page opened at `?seq=N` (null: the start of the run).
 */
export class TranscriptFold {
  private main: TranscriptFolder;
  private checkpoints: Checkpoint[];
  /** The last transcript asked for at an earlier point, kept to move forward from (playback). */
  private scratch: { folder: TranscriptFolder; count: number; base: number } | null = null;
  private folded = 0;
  /** For the live fold the checkpoints share: how many checkpoints there were when each call began. */
  private calls: { live: MessageFold; born: Map<string, number> } | null = null;
  /** Where the last `at` that could not answer stopped: the first event it needs and lacks. */
  missingFrom = -1;

  constructor(
    private readonly eventAt: (i: number) => ReplayEvent | undefined,
    base: TranscriptState | null = null,
  ) {
    this.main = TranscriptFolder.from(base);
    const open = base?.open;
    this.checkpoints = [
      {
        count: 0,
        itemsLen: this.main.closedCount,
        open: open
          ? {
              key: open.key,
              seq: open.seq,
              lastSeq: open.lastSeq,
              state: open.state,
              live: null,
              shared: 0,
              tail: open.state.parts,
              calls: open.state.partialCalls,
              kept: null,
              keptCalls: null,
            }
          : null,
      },
    ];
  }

  get count() {
    return this.folded;
  }

  /** Folds the next event (the one at index `count`); `flush` once after a batch. */
  fold(e: ReplayEvent) {
    if (this.folded - this.checkpoints.at(-1)!.count >= CHECKPOINT_GAP)
      this.checkpoints.push(this.checkpoint(this.folded));
    this.main.apply(e);
    this.folded++;
  }

  flush() {
    this.main.flush();
  }

  private checkpoint(count: number): Checkpoint {
    const itemsLen = this.main.closedCount;
    const open = this.main.open;
    if (!open) return { count, itemsLen, open: null };
    const live = open.fold;
    const f = live.s;
    const all = f.parts;
    let shared = all.length - 1;
    while (shared > 0 && all[shared]!.type !== 'step-start') shared--;
    shared = Math.max(0, shared);
    const cp: Checkpoint = {
      count,
      itemsLen,
      open: {
        key: open.key,
        seq: open.seq,
        lastSeq: open.lastSeq,
        state: {
          id: f.id,
          metadata: f.metadata,
          activeText: { ...f.activeText },
          activeReasoning: { ...f.activeReasoning },
          staleInput: f.staleInput.slice(),
          errors: f.errors.slice(),
        },
        live,
        shared,
        tail: all.slice(shared),
        calls: null,
        kept: null,
        keptCalls: null,
      },
    };
    // What is replaced in the live fold is kept by the checkpoints sharing it, newest first; one that
    // already kept it means every older one did (or does not share it).
    live.onReplace = (i, old) => {
      for (let j = this.checkpoints.length - 1; j >= 0; j--) {
        const c = this.checkpoints[j]!.open;
        if (c?.live !== live || i >= c.shared || c.kept?.has(i)) break;
        c.kept ??= new Map();
        c.kept.set(i, old);
      }
    };
    // A call started after a checkpoint is not its business (restored, the fold meets the call's start
    // before any use): only the checkpoints made since the call began keep its entries.
    if (this.calls?.live !== live) this.calls = { live, born: new Map() };
    const { born } = this.calls;
    live.onReplaceCall = (id, old) => {
      if (!old) {
        born.set(id, this.checkpoints.length);
        return;
      }
      const from = born.get(id) ?? 0;
      for (let j = this.checkpoints.length - 1; j >= from; j--) {
        const c = this.checkpoints[j]!.open;
        if (c?.live !== live || c.keptCalls?.has(id)) break;
        c.keptCalls ??= new Map();
        c.keptCalls.set(id, old);
      }
    };
    return cp;
  }

  /** The open message's fold state at a checkpoint: what it shares with the live fold, then its own. */
  private stateAt(cp: Checkpoint): MessageFoldState {
    const o = cp.open!;
    if (!o.live) return { ...o.state, parts: o.tail, partialCalls: o.calls! };
    const parts = o.live.s.parts.slice(0, o.shared);
    if (o.kept) for (const [i, p] of o.kept) parts[i] = p;
    // Calls started after the checkpoint come along: the fold meets their start before any use.
    const partialCalls = { ...o.live.s.partialCalls };
    if (o.keptCalls) for (const [id, c] of o.keptCalls) partialCalls[id] = c;
    return { ...o.state, parts: parts.concat(o.tail), partialCalls };
  }

  /** The last checkpoint at or before `n` events. */
  private checkpointAt(n: number): Checkpoint {
    let lo = 0;
    let hi = this.checkpoints.length - 1;
    let cp = this.checkpoints[0]!;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.checkpoints[mid]!.count <= n) {
        cp = this.checkpoints[mid]!;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return cp;
  }

  /**
   * The first event `at(count)` may read: it folds the events [foldFrom(count), count) at most (fewer
   * when moving forward from its last answer), so holding those is all it needs to answer.
   */
  foldFrom(count: number): number {
    return count >= this.folded ? count : this.checkpointAt(Math.max(0, count)).count;
  }

  /** The whole transcript so far. */
  all(): TranscriptItem[] {
    return this.main.items;
  }

  /**
   * The transcript after the first `count` events: folded forward from the nearest checkpoint (at most
   * CHECKPOINT_GAP events), or from the previous answer when moving forward (playback). Null when an
   * event it needs is not held (`missingFrom` says which); what it folded so far is kept, so the next
   * call goes on from there.
   */
  at(count: number): TranscriptItem[] | null {
    this.missingFrom = -1;
    if (count >= this.folded) return this.main.items;
    const n = Math.max(0, count);
    const cp = this.checkpointAt(n);
    const base = cp.count;
    let s = this.scratch;
    if (!s || s.base !== base || s.count > n) {
      const o = cp.open;
      const folder = TranscriptFolder.from({
        closed: this.main.items.slice(0, cp.itemsLen),
        open: o && {
          key: o.key,
          seq: o.seq,
          lastSeq: o.lastSeq,
          state: this.stateAt(cp),
        },
      });
      s = { folder, count: base, base };
      this.scratch = s;
    }
    for (; s.count < n; s.count++) {
      const e = this.eventAt(s.count);
      if (!e) {
        this.missingFrom = s.count;
        return null;
      }
      s.folder.apply(e);
    }
    s.folder.flush();
    // Messages already finished at this point are the same as in the whole transcript: reuse those
    // objects so they do not re-render while scrubbing.
    const out = s.folder.items.slice();
    const mainItems = this.main.items;
    const from = cp.itemsLen;
    for (let i = from; i < out.length; i++) {
      const a = out[i]!;
      const b = mainItems[i];
      if (!b || b.key !== a.key) break;
      if (a.kind === 'user' || (a.done && b.kind === 'assistant' && b.done)) out[i] = b;
    }
    return out;
  }
}
