import { type ReplayBase, type ReplayClock, startClock, tick } from '@/lib/replay/transcript';
import { isMarker, type ReplayEvent } from './model';
import { TranscriptFold } from './transcript-fold';

export type Timeline = {
  /** Replay time of each event, in ms from the first event, idle gaps compressed. */
  times: number[];
  /** Replay time where the timeline begins: 0, or the base's time when the store starts at one. */
  start: number;
  total: number;
  /** Compressed gaps: where they sit on the replay timeline and how long they really were. */
  gaps: { at: number; realMs: number }[];
};

/**
 * Everything the replay derives from a run's events, kept up to date as pages arrive: each event is
 * looked at once (timeline, markers, report sections, transcript fold), so loading a run is linear in
 * its length. Mutable; `version` moves on every change so React can subscribe to it.
 *
 * With a `base` (the page opened at `?seq=N`: the server's transcript checkpoint at or before N), the
 * store holds only the events after it: indices are relative to the base, `count` is absolute, and
 * the timeline goes on from the base's replay time.
 */
export class ReplayStore {
  readonly events: ReplayEvent[] = [];
  readonly seqs: number[] = [];
  readonly timeline: Timeline;
  /** Indices of the events the "next tool call / error" jump stops at. */
  readonly markers: number[] = [];
  /** The first seq at which each report section was written. */
  readonly sectionSeqs = new Map<string, number>();
  readonly transcript: TranscriptFold;
  /** Events of the run before the first one held (those folded into the base). */
  readonly base: number;
  readonly baseSeq: number;
  version = 0;
  private clock: ReplayClock;
  private listeners = new Set<() => void>();

  constructor(initial: ReplayEvent[], base: ReplayBase | null = null) {
    this.base = base?.count ?? 0;
    this.baseSeq = base?.seq ?? -1;
    this.clock = base ? { ...base.clock } : startClock();
    this.timeline = { times: [], start: this.clock.total, total: this.clock.total, gaps: [] };
    this.transcript = new TranscriptFold(this.events, base?.transcript ?? null);
    this.append(initial, false);
  }

  get lastSeq(): number {
    return this.seqs.at(-1) ?? this.baseSeq;
  }

  /** Events of the run up to the last one held. */
  get count(): number {
    return this.base + this.events.length;
  }

  /** The run's first timestamp (ms), for offsets. */
  get start(): number {
    return this.clock.start;
  }

  /** Adds events after the last one held (older or repeated seqs are ignored). */
  append(events: ReplayEvent[], notify = true) {
    let added = 0;
    const tl = this.timeline;
    for (const e of events) {
      if (e.seq <= this.lastSeq) continue;
      const i = this.events.length;
      this.events.push(e);
      this.seqs.push(e.seq);
      const t = tick(this.clock, e.ts);
      if (t.realMs !== undefined) tl.gaps.push({ at: t.gapAt!, realMs: t.realMs });
      tl.times.push(t.time);
      tl.total = t.time;
      if (isMarker(e.type)) this.markers.push(i);
      if (e.type === 'report-section') {
        const sid = (e.payload as { sectionId?: unknown } | null)?.sectionId;
        if (typeof sid === 'string' && !this.sectionSeqs.has(sid)) this.sectionSeqs.set(sid, e.seq);
      }
      added++;
    }
    if (!added) return;
    this.transcript.catchUp();
    this.version++;
    if (notify) this.notify();
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
