import { type TranscriptItem, TranscriptFolder, type TranscriptState } from '@/lib/replay/transcript';
import type { ReplayEvent } from './model';

export type { TranscriptItem } from '@/lib/replay/transcript';

/** Everything needed to resume folding after `count` events, without the events before it. */
type Checkpoint = { count: number; itemsLen: number; open: TranscriptState['open'] };

/** Events between checkpoints, at least; more when the open message is big (its copy stays amortized). */
const MIN_CHECKPOINT_GAP = 512;

/**
 * The browser's side of the transcript: folds the store's events as they arrive and answers the
 * transcript at any earlier point from in-memory checkpoints. `base` is where the events start: the
 * server's transcript checkpoint when the page opened at `?seq=N` (null: the start of the run).
 */
export class TranscriptFold {
  private main: TranscriptFolder;
  private checkpoints: Checkpoint[];
  private events: ReplayEvent[];
  /** The last transcript asked for at an earlier point, kept to move forward from (playback). */
  private scratch: { folder: TranscriptFolder; count: number; base: number } | null = null;

  constructor(events: ReplayEvent[], base: TranscriptState | null = null) {
    this.events = events;
    this.main = TranscriptFolder.from(base);
    this.checkpoints = [{ count: 0, itemsLen: this.main.closedCount, open: base?.open ?? null }];
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
    return { count, itemsLen: this.main.closedCount, open: this.main.openState() };
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
    const n = Math.max(0, count);
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
    const base = cp.count;
    let s = this.scratch;
    if (!s || s.base !== base || s.count > n) {
      const folder = TranscriptFolder.from({ closed: this.main.items.slice(0, cp.itemsLen), open: cp.open });
      s = { folder, count: base, base };
      this.scratch = s;
    }
    for (let i = s.count; i < n; i++) s.folder.apply(this.events[i]!);
    s.count = n;
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
