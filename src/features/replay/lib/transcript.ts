import type { UIMessage, UIMessageChunk } from 'ai';
import { isUiChunk } from '@runledger/sdk/transcript';
import { cloneFoldState, MessageFold, type MessageFoldState } from './fold';

/**
 * The transcript fold shared by the browser (the replay) and the server (transcript checkpoints):
 * one implementation, so a checkpoint folded on the server and resumed in the browser is the same
 * transcript as folding every event in the browser.
 */

/** What the fold reads of an event. */
export type FoldEvent = { seq: number; type: string; ts?: string; payload: unknown };

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

/** A transcript fold frozen between two events: closed items and the open message's fold state. */
export type TranscriptState = {
  closed: TranscriptItem[];
  open: { state: MessageFoldState; key: string; seq: number; lastSeq: number } | null;
};

function asRecord(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/**
 * The transcript of a run, folded from its events once each, in order: `user-message` events become
 * user items; runs of AI SDK UI-message chunks become assistant messages (a `start` opens one,
 * `finish`/`abort` closes it). Other events stay in the inspector only. Finished items never change
 * (same object), so React re-renders only the message being streamed.
 */
export class TranscriptFolder {
  items: TranscriptItem[];
  open: Open | null;
  dirty = false;

  constructor(items: TranscriptItem[] = [], open: Open | null = null) {
    this.items = items;
    this.open = open;
  }

  /** A folder that resumes from a saved state (the state is copied, never changed). */
  static from(state: TranscriptState | null): TranscriptFolder {
    if (!state) return new TranscriptFolder();
    const items = state.closed.slice();
    let open: Open | null = null;
    if (state.open) {
      const o = state.open;
      open = { fold: new MessageFold(cloneFoldState(o.state)), key: o.key, seq: o.seq, lastSeq: o.lastSeq };
    }
    const f = new TranscriptFolder(items, open);
    if (open) items.push(f.item(open, false));
    return f;
  }

  /** The state as it stands (a copy: folding on does not change it). */
  state(): TranscriptState {
    return { closed: this.items.slice(0, this.closedCount), open: this.openState() };
  }

  /** The open message's fold state, copied (null between messages). */
  openState(): TranscriptState['open'] {
    this.flush();
    const o = this.open;
    return o ? { state: cloneFoldState(o.fold.s), key: o.key, seq: o.seq, lastSeq: o.lastSeq } : null;
  }

  /** Items that no later event can change. */
  get closedCount() {
    return this.open ? this.items.length - 1 : this.items.length;
  }

  apply(e: FoldEvent) {
    if (e.type === 'user-message') {
      const text = asRecord(e.payload).text;
      const user: TranscriptItem = {
        kind: 'user',
        key: `u${e.seq}`,
        seq: e.seq,
        text: typeof text === 'string' ? text : JSON.stringify(e.payload),
      };
      // An answer opened before its question (OTLP and AI SDK telemetry runs: the agent's `start`
      // comes before its first model call's user turn) and still empty: the question goes above it.
      const o = this.open;
      if (o && o.fold.s.parts.length === 0 && o.fold.s.errors.length === 0) {
        this.items.splice(this.items.length - 1, 0, user);
        return;
      }
      this.close();
      this.items.push(user);
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

/**
 * The replay clock: each event's time from the first, idle gaps over the threshold compressed.
 * `start` is the first event's timestamp, `prevTs` the latest seen (NaN before the first event).
 */
export type ReplayClock = { total: number; prevTs: number; start: number };

export const GAP_THRESHOLD_MS = 2000;
/** How long a compressed idle gap lasts on the replay timeline. */
export const COMPRESSED_GAP_MS = 600;

export const startClock = (): ReplayClock => ({ total: 0, prevTs: Number.NaN, start: Number.NaN });

/** Moves the clock over one event; answers its replay time and, for a compressed gap, the real gap. */
export function tick(
  clock: ReplayClock,
  /** The event's time: ISO text, or epoch milliseconds. */
  ts: string | number,
): { time: number; gapAt?: number; realMs?: number } {
  const t = typeof ts === 'number' ? ts : Date.parse(ts);
  if (clock.prevTs == null || Number.isNaN(clock.prevTs))
    clock.prevTs = clock.start = Number.isFinite(t) ? t : 0;
  const real = Number.isFinite(t) ? Math.max(0, t - clock.prevTs) : 0;
  let gap: { gapAt: number; realMs: number } | undefined;
  if (real > GAP_THRESHOLD_MS) {
    gap = { gapAt: clock.total, realMs: real };
    clock.total += COMPRESSED_GAP_MS;
  } else clock.total += real;
  if (Number.isFinite(t)) clock.prevTs = Math.max(clock.prevTs, t);
  return { time: clock.total, ...gap };
}

/**
 * Where a replay that does not begin at the first event begins (a server checkpoint): the transcript
 * and the clock after the first `count` events, the last of which has seq `seq`.
 */
export type ReplayBase = { count: number; seq: number; clock: ReplayClock; transcript: TranscriptState };
