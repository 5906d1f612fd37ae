import type { ReplayEvent } from '../lib/model';

/** Events per chunk: the unit the cache keeps, drops and fetches. */
export const CHUNK = 256;
/** Chunks kept besides those pinned (what is on screen or being folded): ~2 MB of events at most. */
const MAX_CHUNKS = 24;

/**
 * The events' payloads the replay holds: chunks of CHUNK events by index, least recently used
 * dropped first, except those in a pinned range (the event list's rows in view, the events the
 * transcript is folding at the replay position). The run's index (seq, time, type of every event)
 * lives in the store; a payload not held is fetched again by seq range.
 */
export class PayloadCache {
  /** Map order is use order: the first entry is the least recently used. */
  private chunks = new Map<number, (ReplayEvent | undefined)[]>();
  private pins = new Map<string, [number, number]>();

  constructor(private readonly maxChunks = MAX_CHUNKS) {}

  get size() {
    let n = 0;
    for (const c of this.chunks.values()) for (const e of c) if (e) n++;
    return n;
  }

  get(i: number): ReplayEvent | undefined {
    return this.chunks.get(Math.floor(i / CHUNK))?.[i % CHUNK];
  }

  put(i: number, e: ReplayEvent) {
    const k = Math.floor(i / CHUNK);
    let c = this.chunks.get(k);
    if (c) this.chunks.delete(k);
    else c = [];
    c[i % CHUNK] = e;
    this.chunks.set(k, c);
  }

  /** Whether every event in [from, to) is held. */
  has(from: number, to: number): boolean {
    for (let i = from; i < to; i++) if (!this.get(i)) return false;
    return true;
  }

  /** The first index in [from, to) whose event is not held (`to` when all are). */
  firstMissing(from: number, to: number): number {
    for (let i = from; i < to; i++) if (!this.get(i)) return i;
    return to;
  }

  /** Keeps [from, to) (by index) whatever its use; a name holds one range, replaced by the next. */
  pin(name: string, from: number, to: number) {
    this.pins.set(name, [from, to]);
    for (let k = Math.floor(from / CHUNK); k * CHUNK < to; k++) this.touch(k);
  }

  unpin(name: string) {
    this.pins.delete(name);
  }

  private touch(k: number) {
    const c = this.chunks.get(k);
    if (!c) return;
    this.chunks.delete(k);
    this.chunks.set(k, c);
  }

  private pinned(k: number) {
    for (const [from, to] of this.pins.values()) if (k * CHUNK < to && (k + 1) * CHUNK > from) return true;
    return false;
  }

  /** Drops least recently used chunks over the limit (never a pinned one). */
  evict() {
    if (this.chunks.size <= this.maxChunks) return;
    for (const k of this.chunks.keys()) {
      if (this.chunks.size <= this.maxChunks) return;
      if (!this.pinned(k)) this.chunks.delete(k);
    }
  }
}
