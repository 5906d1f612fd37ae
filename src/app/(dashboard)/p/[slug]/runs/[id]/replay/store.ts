import { COMPRESSED_GAP_MS, GAP_THRESHOLD_MS, isMarker, type ReplayEvent } from './model';
import { TranscriptFold } from './transcript-fold';

export type Timeline = {
  /** Replay time of each event, in ms from the first event, idle gaps compressed. */
  times: number[];
  total: number;
  /** Compressed gaps: where they sit on the replay timeline and how long they really were. */
  gaps: { at: number; realMs: number }[];
};

/**
 * Everything the replay derives from a run's events, kept up to date as pages arrive: each event is
 * looked at once (timeline, markers, report sections, transcript fold), so loading a run is linear in
 * its length. Mutable; `version` moves on every change so React can subscribe to it.
 */
export class ReplayStore {
  readonly events: ReplayEvent[] = [];
  readonly seqs: number[] = [];
  readonly timeline: Timeline = { times: [], total: 0, gaps: [] };
  /** Indices of the events the "next tool call / error" jump stops at. */
  readonly markers: number[] = [];
  /** The first seq at which each report section was written. */
  readonly sectionSeqs = new Map<string, number>();
  readonly transcript = new TranscriptFold(this.events);
  version = 0;
  private prevTs = Number.NaN;
  private listeners = new Set<() => void>();

  constructor(initial: ReplayEvent[]) {
    this.append(initial, false);
  }

  get lastSeq(): number {
    return this.seqs.at(-1) ?? -1;
  }

  /** Adds events after the last one held (older or repeated seqs are ignored). */
  append(events: ReplayEvent[], notify = true) {
    let added = 0;
    for (const e of events) {
      if (e.seq <= this.lastSeq) continue;
      const i = this.events.length;
      this.events.push(e);
      this.seqs.push(e.seq);
      this.time(e.ts);
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
    if (notify) for (const l of this.listeners) l();
  }

  private time(ts: string) {
    const t = Date.parse(ts);
    const tl = this.timeline;
    if (Number.isNaN(this.prevTs)) this.prevTs = Number.isFinite(t) ? t : 0;
    const real = Number.isFinite(t) ? Math.max(0, t - this.prevTs) : 0;
    if (real > GAP_THRESHOLD_MS) {
      tl.gaps.push({ at: tl.total, realMs: real });
      tl.total += COMPRESSED_GAP_MS;
    } else tl.total += real;
    tl.times.push(tl.total);
    if (Number.isFinite(t)) this.prevTs = Math.max(this.prevTs, t);
  }

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
  getVersion = () => this.version;
}
