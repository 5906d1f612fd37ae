import { type TranscriptItem, TranscriptFolder, type TranscriptState } from '@/lib/replay/transcript';
import type { ReplayEvent } from './model';

export type { TranscriptItem } from '@/lib/replay/transcript';

/** Everything needed to resume folding after `count` events, without the events before it. */
type Checkpoint = { count: number; itemsLen: number; open: TranscriptState['open'] };

/** Events between checkpoints, at least; more when the open message is big (its copy stays amortized). */
const MIN_CHECKPOINT_GAP = 512;

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
  /** Where the last `at` that could not answer stopped: the first event it needs and lacks. */
  missingFrom = -1;

  constructor(
    private readonly eventAt: (i: number) => ReplayEvent | undefined,
    base: TranscriptState | null = null,
  ) {
    this.main = TranscriptFolder.from(base);
    this.checkpoints = [{ count: 0, itemsLen: this.main.closedCount, open: base?.open ?? null }];
  }

  get count() {
    return this.folded;
  }

  /** Folds the next event (the one at index `count`); `flush` once after a batch. */
  fold(e: ReplayEvent) {
    const last = this.checkpoints.at(-1)!.count;
    const openParts = this.main.open?.fold.s.parts.length ?? 0;
    if (this.folded - last >= Math.max(MIN_CHECKPOINT_GAP, openParts))
      this.checkpoints.push(this.checkpoint(this.folded));
    this.main.apply(e);
    this.folded++;
  }

  flush() {
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
   * The transcript after the first `count` events: folded forward from the nearest checkpoint (at most
   * a checkpoint gap of events), or from the previous answer when moving forward (playback). Null when
   * an event it needs is not held (`missingFrom` says which); what it folded so far is kept, so the
   * next call goes on from there.
   */
  at(count: number): TranscriptItem[] | null {
    this.missingFrom = -1;
    if (count >= this.folded) return this.main.items;
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
