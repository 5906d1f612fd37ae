import type { UIMessageChunk } from 'ai';
import { isUiChunk } from '@/lib/transcript';

/** An event as the replay gets it from the server. */
export type ReplayEvent = { seq: number; type: string; ts: string; payload: unknown };

export { isUiChunk } from '@/lib/transcript';
/** Events the "next tool call / error" jump stops at. */
export const isMarker = (type: string) =>
  type === 'tool-input-start' ||
  type === 'tool-input-available' ||
  type === 'tool-output-error' ||
  type === 'error';
export const isErrorEvent = (type: string) => type === 'error' || type === 'tool-output-error';

export type TranscriptItem =
  | { kind: 'user'; key: string; seq: number; text: string }
  | {
      kind: 'assistant';
      key: string;
      firstSeq: number;
      lastSeq: number;
      seqs: number[];
      chunks: UIMessageChunk[];
    };

function asRecord(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/**
 * Splits the event list into transcript items: `user-message` events become user bubbles; runs of AI SDK
 * UI-message chunks become assistant messages (a `start` opens one, `finish`/`abort` closes it).
 * Other events (usage, status, report-section, custom) stay in the inspector only.
 */
export function buildItems(events: ReplayEvent[]): TranscriptItem[] {
  const items: TranscriptItem[] = [];
  let open: Extract<TranscriptItem, { kind: 'assistant' }> | null = null;
  for (const e of events) {
    if (e.type === 'user-message') {
      open = null;
      const text = asRecord(e.payload).text;
      items.push({
        kind: 'user',
        key: `u${e.seq}`,
        seq: e.seq,
        text: typeof text === 'string' ? text : JSON.stringify(e.payload),
      });
      continue;
    }
    if (!isUiChunk(e.type)) continue;
    if (e.type === 'start' || !open) {
      open = { kind: 'assistant', key: `a${e.seq}`, firstSeq: e.seq, lastSeq: e.seq, seqs: [], chunks: [] };
      items.push(open);
    }
    // The stored payload is the chunk; the event type is authoritative for its kind.
    open.chunks.push({ ...asRecord(e.payload), type: e.type } as UIMessageChunk);
    open.seqs.push(e.seq);
    open.lastSeq = e.seq;
    if (e.type === 'finish' || e.type === 'abort') open = null;
  }
  return items;
}

/** Index of the last element <= x in an ascending array, or -1. */
export function lastAtOrBefore(sorted: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= x) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}

export const GAP_THRESHOLD_MS = 2000;
/** How long a compressed idle gap lasts on the replay timeline. */
export const COMPRESSED_GAP_MS = 600;

export type Timeline = {
  /** Replay time of each event, in ms from the first event, idle gaps compressed. */
  times: Float64Array;
  total: number;
  /** Compressed gaps: where they sit on the replay timeline and how long they really were. */
  gaps: { at: number; realMs: number }[];
};

export function buildTimeline(events: ReplayEvent[]): Timeline {
  const times = new Float64Array(events.length);
  const gaps: Timeline['gaps'] = [];
  let t = 0;
  let prev = events.length ? Date.parse(events[0]!.ts) : 0;
  for (let i = 0; i < events.length; i++) {
    const ts = Date.parse(events[i]!.ts);
    const real = Number.isFinite(ts) ? Math.max(0, ts - prev) : 0;
    if (real > GAP_THRESHOLD_MS) {
      gaps.push({ at: t, realMs: real });
      t += COMPRESSED_GAP_MS;
    } else t += real;
    times[i] = t;
    if (Number.isFinite(ts)) prev = Math.max(prev, ts);
  }
  return { times, total: t, gaps };
}
