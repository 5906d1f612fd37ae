import type { UIMessage, UIMessageChunk } from 'ai';
import { cloneFoldState, MessageFold, type MessageFoldState } from './fold';
import { isUiChunk, type ReplayEvent } from './model';

export type TranscriptItem =
  | { kind: 'user'; key: string; seq: number; text: string }
  | {
      kind: 'assistant';
      key: string;
      seq: number;
      lastSeq: number;
      message: UIMessage;
      errors: string[];
      /** False while the message has not seen its `finish`/`abort` (still streaming at this point). */
      done: boolean;
    };

type Open = { fold: MessageFold; key: string; seq: number; lastSeq: number };

/** Everything needed to resume folding after `count` events, without the events before it. */
type Checkpoint = {
  count: number;
  itemsLen: number;
  open: { state: MessageFoldState; key: string; seq: number; lastSeq: number } | null;
};

/** Events between checkpoints, at least; more when the open message is big (its copy stays amortized). */
const MIN_CHECKPOINT_GAP = 512;

function asRecord(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/**
 * The transcript of a run, folded from its events once each, in order: `user-message` events become
 * user items; runs of AI SDK UI-message chunks become assistant messages (a `start` opens one,
 * `finish`/`abort` closes it). Other events stay in the inspector only. Finished items never change
 * (same object), so React re-renders only the message being streamed.
 */
class Folder {
  items: TranscriptItem[];
  open: Open | null;
  dirty = false;

  constructor(items: TranscriptItem[] = [], open: Open | null = null) {
    this.items = items;
    this.open = open;
  }

  apply(e: ReplayEvent) {
    if (e.type === 'user-message') {
      this.close();
      const text = asRecord(e.payload).text;
      this.items.push({
        kind: 'user',
        key: `u${e.seq}`,
        seq: e.seq,
        text: typeof text === 'string' ? text : JSON.stringify(e.payload),
      });
      return;
    }
    if (!isUiChunk(e.type)) return;
    if (e.type === 'start' || !this.open) {
      this.close();
      this.open = { fold: new MessageFold(), key: `a${e.seq}`, seq: e.seq, lastSeq: e.seq };
      this.items.push(this.item(this.open, false));
    }
    // The stored payload is the chunk; the event type is authoritative for its kind.
    this.open.fold.apply({ ...asRecord(e.payload), type: e.type } as UIMessageChunk);
    this.open.lastSeq = e.seq;
    this.dirty = true;
    if (e.type === 'finish' || e.type === 'abort') this.close();
  }

  private item(o: Open, done: boolean): TranscriptItem {
    return {
      kind: 'assistant',
      key: o.key,
      seq: o.seq,
      lastSeq: o.lastSeq,
      message: o.fold.snapshot(),
      errors: o.fold.s.errors.slice(),
      done,
    };
  }

  private close() {
    if (!this.open) return;
    this.items[this.items.length - 1] = this.item(this.open, true);
    this.open = null;
    this.dirty = false;
  }

  /** Brings the open message's item up to date (once per batch, not once per chunk). */
  flush() {
    if (this.open && this.dirty) this.items[this.items.length - 1] = this.item(this.open, false);
    this.dirty = false;
  }
}

export class TranscriptFold {
  private main = new Folder();
  private checkpoints: Checkpoint[] = [];
  private events: ReplayEvent[];
  /** The last transcript asked for at an earlier point, kept to move forward from (playback). */
  private scratch: { folder: Folder; count: number; base: number } | null = null;

  constructor(events: ReplayEvent[]) {
    this.events = events;
  }

  get count() {
    return this.foldedCount;
  }
  private foldedCount = 0;

  /** Folds the events appended to the shared array since the last call. */
  catchUp() {
    const events = this.events;
    for (let i = this.foldedCount; i < events.length; i++) {
      const last = this.checkpoints.at(-1)?.count ?? 0;
      const openParts = this.main.open?.fold.s.parts.length ?? 0;
      if (i - last >= Math.max(MIN_CHECKPOINT_GAP, openParts)) this.checkpoints.push(this.checkpoint(i));
      this.main.apply(events[i]!);
    }
    this.foldedCount = events.length;
    this.main.flush();
  }

  private checkpoint(count: number): Checkpoint {
    this.main.flush();
    const o = this.main.open;
    return {
      count,
      itemsLen: o ? this.main.items.length - 1 : this.main.items.length,
      open: o ? { state: cloneFoldState(o.fold.s), key: o.key, seq: o.seq, lastSeq: o.lastSeq } : null,
    };
  }

  /** The whole transcript so far. */
  all(): TranscriptItem[] {
    return this.main.items;
  }

  /**
   * The transcript after the first `count` events: folded forward from the nearest checkpoint
   * (at most a checkpoint gap of events), or from the previous answer when moving forward (playback).
   */
  at(count: number): TranscriptItem[] {
    if (count >= this.foldedCount) return this.main.items;
    if (count <= 0) return [];
    let lo = 0;
    let hi = this.checkpoints.length - 1;
    let cp: Checkpoint | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.checkpoints[mid]!.count <= count) {
        cp = this.checkpoints[mid];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    const base = cp?.count ?? 0;
    let s = this.scratch;
    if (!s || s.base !== base || s.count > count) {
      const items = cp ? this.main.items.slice(0, cp.itemsLen) : [];
      let open: Open | null = null;
      if (cp?.open) {
        const fold = new MessageFold(cloneFoldState(cp.open.state));
        open = { fold, key: cp.open.key, seq: cp.open.seq, lastSeq: cp.open.lastSeq };
        items.push({
          kind: 'assistant',
          key: open.key,
          seq: open.seq,
          lastSeq: open.lastSeq,
          message: fold.snapshot(),
          errors: fold.s.errors.slice(),
          done: false,
        });
      }
      s = { folder: new Folder(items, open), count: base, base };
      this.scratch = s;
    }
    for (let i = s.count; i < count; i++) s.folder.apply(this.events[i]!);
    s.count = count;
    s.folder.flush();
    // Messages already finished at this point are the same as in the whole transcript: reuse those
    // objects so they do not re-render while scrubbing.
    const out = s.folder.items.slice();
    const mainItems = this.main.items;
    const from = cp?.itemsLen ?? 0;
    for (let i = from; i < out.length; i++) {
      const a = out[i]!;
      const b = mainItems[i];
      if (!b || b.key !== a.key) break;
      if (a.kind === 'user' || (a.done && b.kind === 'assistant' && b.done)) out[i] = b;
    }
    return out;
  }
}
