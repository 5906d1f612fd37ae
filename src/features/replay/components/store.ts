import { type ReplayClock, startClock, tick } from '@/features/replay/lib/transcript';
import { type TrimmedBase, untrimBase } from '@/features/replay/lib/trim';
import { Column } from './column';
import { EarlierParts, type FetchParts } from './earlier-parts';
import { isMarker, lastAtOrBefore, type ReplayEvent } from '../lib/model';
import { CHUNK, PayloadCache } from './payload-cache';
import { TranscriptFold } from './transcript-fold';

export type Timeline = {
  /** Replay time where the timeline begins: 0, or the base's time when the store starts at one. */
  start: number;
  total: number;
  /** Compressed gaps: where they sit on the replay timeline and how long they really were. */
  gaps: { at: number; realMs: number }[];
};

/** Fetches the run's events with fromSeq <= seq <= toSeq (in seq order). */
export type FetchRange = (fromSeq: number, toSeq: number) => Promise<ReplayEvent[]>;

/** Chunks fetched in one request at most (the server action's limit is above it). */
const FETCH_CHUNKS = 16;

/**
 * Everything the replay derives from a run's events, kept up to date as pages arrive: each event is
 * looked at once (index, markers, report sections, transcript fold), so loading a run is linear in its
 * length. What is kept per event is an index in typed arrays (seq, replay time, timestamp, type code:
 * 22 bytes), enough for the scrubber, the markers and the event list's rows; the events themselves
 * (payloads) only for a bounded window (`payloads`): the rows in view and the events the transcript
 * folds at the replay position, fetched again by seq range when needed (`want`). So the tab's memory
 * grows with the transcript's text, not with the number of events. Mutable; `version` moves on every
 * change so React can subscribe to it.
 *
 * With a `base` (the page opened at `?seq=N`: the server's transcript checkpoint at or before N), the
 * store holds only the events after it: indices are relative to the base, `count` is absolute, and
 * the timeline goes on from the base's replay time.
 */
export class ReplayStore {
  private readonly seqCol = new Column((n) => new Int32Array(n));
  private readonly timeCol = new Column((n) => new Float64Array(n));
  private readonly tsCol = new Column((n) => new Float64Array(n));
  private readonly typeCol = new Column((n) => new Uint16Array(n));
  private readonly typeNames: string[] = [];
  private readonly typeCodes = new Map<string, number>();
  readonly timeline: Timeline;
  /** Indices of the events the "next tool call / error" jump stops at. */
  readonly markers: number[] = [];
  /** The first seq at which each report section was written. */
  readonly sectionSeqs = new Map<string, number>();
  readonly transcript: TranscriptFold;
  readonly payloads = new PayloadCache();
  /** The base's open message's parts the page was not sent (null: it was sent whole). */
  readonly earlier: EarlierParts | null;
  /** Events of the run before the first one held (those folded into the base). */
  readonly base: number;
  readonly baseSeq: number;
  version = 0;
  /** The last failed fetch of payloads (null once one succeeds). */
  fetchError: string | null = null;
  private fetcher: FetchRange | null = null;
  private inflight = new Set<number>();
  /** After a failed fetch, none before this time (ms): a render asking again must not hammer the server. */
  private retryAfter = 0;
  private clock: ReplayClock;
  private listeners = new Set<() => void>();

  constructor(
    initial: ReplayEvent[],
    trimmed: TrimmedBase | null = null,
    fetch: { events?: FetchRange; parts?: FetchParts } = {},
  ) {
    const base = trimmed && untrimBase(trimmed);
    this.base = base?.count ?? 0;
    this.baseSeq = base?.seq ?? -1;
    this.fetcher = fetch.events ?? null;
    const open = base?.transcript.open;
    this.earlier =
      open && trimmed?.omittedParts
        ? new EarlierParts(
            open.key,
            trimmed.omittedParts,
            trimmed.omittedSteps ?? 0,
            fetch.parts ?? null,
            () => {
              this.version++;
              this.notify();
            },
          )
        : null;
    this.clock = base ? { ...base.clock } : startClock();
    this.timeline = { start: this.clock.total, total: this.clock.total, gaps: [] };
    this.transcript = new TranscriptFold((i) => this.payloads.get(i), base?.transcript ?? null);
    this.append(initial, false);
  }

  /** Events held in the index (after the base). */
  get length(): number {
    return this.seqCol.length;
  }

  get lastSeq(): number {
    return this.length ? this.seqCol.get(this.length - 1) : this.baseSeq;
  }

  /** Events of the run up to the last one held. */
  get count(): number {
    return this.base + this.length;
  }

  /** The run's first timestamp (ms), for offsets. */
  get start(): number {
    return this.clock.start;
  }

  seqAt(i: number): number {
    return this.seqCol.get(i);
  }
  /** Replay time of event i, in ms from the first event, idle gaps compressed. */
  timeAt(i: number): number {
    return this.timeCol.get(i);
  }
  /** Timestamp of event i (ms since the epoch; NaN when it had none that parses). */
  tsAt(i: number): number {
    return this.tsCol.get(i);
  }
  typeAt(i: number): string {
    return this.typeNames[this.typeCol.get(i)]!;
  }
  /** Every event's seq, ascending (a view: valid until the next append). */
  seqs(): Int32Array {
    return this.seqCol.view();
  }
  /** Every event's replay time, ascending (a view: valid until the next append). */
  times(): Float64Array {
    return this.timeCol.view();
  }
  /** Index of the last event at or before `seq` (-1: none). */
  indexOfSeq(seq: number): number {
    return lastAtOrBefore(this.seqs(), seq);
  }

  /** Event i with its payload, when it is in the window held (else `want` it). */
  eventAt(i: number): ReplayEvent | undefined {
    return this.payloads.get(i);
  }

  private typeCode(type: string): number {
    let c = this.typeCodes.get(type);
    if (c === undefined) {
      c = this.typeNames.push(type) - 1;
      this.typeCodes.set(type, c);
    }
    return c;
  }

  /** Adds events after the last one held (older or repeated seqs are ignored). */
  append(events: ReplayEvent[], notify = true) {
    let added = 0;
    const tl = this.timeline;
    for (const e of events) {
      if (e.seq <= this.lastSeq) continue;
      const i = this.length;
      this.seqCol.push(e.seq);
      const t = tick(this.clock, e.ts);
      if (t.realMs !== undefined) tl.gaps.push({ at: t.gapAt!, realMs: t.realMs });
      this.timeCol.push(t.time);
      this.tsCol.push(Date.parse(e.ts));
      this.typeCol.push(this.typeCode(e.type));
      tl.total = t.time;
      if (isMarker(e.type)) this.markers.push(i);
      if (e.type === 'report-section') {
        const sid = (e.payload as { sectionId?: unknown } | null)?.sectionId;
        if (typeof sid === 'string' && !this.sectionSeqs.has(sid)) this.sectionSeqs.set(sid, e.seq);
      }
      this.payloads.put(i, e);
      this.transcript.fold(e);
      added++;
    }
    if (!added) return;
    this.transcript.flush();
    this.payloads.evict();
    this.version++;
    if (notify) this.notify();
  }

  /**
   * Keeps the events [from, to) (by index) held under `name` (one range per name, replacing its last),
   * fetching those not held. Subscribers hear when they arrive.
   */
  want(name: string, from: number, to: number) {
    const a = Math.max(0, from);
    const b = Math.min(this.length, to);
    if (b <= a) {
      this.payloads.unpin(name);
      return;
    }
    this.payloads.pin(name, a, b);
    if (!this.fetcher || Date.now() < this.retryAfter) return;
    const missing: number[] = [];
    for (let k = Math.floor(a / CHUNK); k * CHUNK < b; k++) {
      if (this.inflight.has(k)) continue;
      if (!this.payloads.has(k * CHUNK, Math.min((k + 1) * CHUNK, this.length))) missing.push(k);
    }
    // Consecutive chunks go in one request (up to FETCH_CHUNKS).
    for (let j = 0; j < missing.length; ) {
      let end = j + 1;
      while (end < missing.length && missing[end] === missing[end - 1]! + 1 && end - j < FETCH_CHUNKS) end++;
      void this.fetchChunks(missing.slice(j, end));
      j = end;
    }
  }

  /** Stops keeping `name`'s range (its chunks may be dropped when the window is full). */
  release(name: string) {
    this.payloads.unpin(name);
  }

  private async fetchChunks(keys: number[]) {
    const from = keys[0]! * CHUNK;
    const to = Math.min((keys.at(-1)! + 1) * CHUNK, this.length);
    for (const k of keys) this.inflight.add(k);
    try {
      const events = await this.fetcher!(this.seqAt(from), this.seqAt(to - 1));
      let i = from;
      for (const e of events) {
        while (i < to && this.seqAt(i) < e.seq) i++;
        if (i < to && this.seqAt(i) === e.seq) this.payloads.put(i, e);
      }
      // An event no longer stored (its run deleted meanwhile) is held without payload, not asked for forever.
      for (let j = from; j < to; j++) {
        if (!this.payloads.get(j)) {
          const ts = this.tsAt(j);
          this.payloads.put(j, {
            seq: this.seqAt(j),
            type: this.typeAt(j),
            ts: Number.isFinite(ts) ? new Date(ts).toISOString() : '',
            payload: null,
          });
        }
      }
      this.fetchError = null;
    } catch (err) {
      this.fetchError = err instanceof Error ? err.message : 'Could not load events';
      this.retryAfter = Date.now() + 3000;
    } finally {
      for (const k of keys) this.inflight.delete(k);
    }
    this.payloads.evict();
    this.version++;
    this.notify();
  }

  /** Tells the subscribers the store changed (after appends made with `notify = false`). */
  notify() {
    for (const l of this.listeners) l();
  }

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };
  getVersion = () => this.version;
}
