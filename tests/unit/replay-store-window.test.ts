import { describe, expect, it } from 'vitest';
import { TranscriptFolder } from '@/features/replay/lib/transcript';
import type { ReplayEvent } from '@/features/replay/lib/model';
import { CHUNK } from '@/features/replay/components/payload-cache';
import { ReplayStore } from '@/features/replay/components/store';
import { agentRun } from '../../scripts/lib/agent-run';

/** The most events the window keeps besides pinned ranges (24 chunks). */
const WINDOW = 24 * CHUNK;

const events: ReplayEvent[] = agentRun(30_000);

/** The server's side of a range read: fromSeq..toSeq, in order (what `loadEventRange` answers). */
function serve(log: [number, number][] = []) {
  return async (fromSeq: number, toSeq: number) => {
    log.push([fromSeq, toSeq]);
    return events.filter((e) => e.seq >= fromSeq && e.seq <= toSeq).map((e) => ({ ...e }));
  };
}

/** Loads the run as the page does: the first page, then pages of 1,500. */
function load(fetch = serve()) {
  const store = new ReplayStore(events.slice(0, 400), null, { events: fetch });
  for (let i = 400; i < events.length; i += 1500) store.append(events.slice(i, i + 1500), false);
  return store;
}

function foldFromScratch(n: number) {
  const f = new TranscriptFolder();
  for (const e of events.slice(0, n)) f.apply(e);
  f.flush();
  return f.items;
}

/** What `answer` gives once the store's fetches are back (it answers null or undefined before). */
async function settle<T>(answer: () => T | null | undefined): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const r = answer();
    if (r !== null && r !== undefined) return r;
    await new Promise((r) => setTimeout(r, 0));
  }
  throw new Error('the store never answered');
}

describe('ReplayStore payload window', () => {
  it('after loading a long run holds every event in its index but only a window of payloads', () => {
    const store = load();
    expect(store.count).toBe(events.length);
    expect(store.seqAt(events.length - 1)).toBe(events.at(-1)!.seq);
    expect(store.typeAt(12_345)).toBe(events[12_345]!.type);
    expect(store.tsAt(7)).toBe(Date.parse(events[7]!.ts));
    expect(store.payloads.size).toBeLessThanOrEqual(WINDOW);
    // The whole transcript is folded all the same (each event once, as it streamed).
    expect(store.transcript.all()).toEqual(foldFromScratch(events.length));
  });

  it('keeps the pinned range (the rows in view) while later pages stream in', () => {
    const store = new ReplayStore(events.slice(0, 400), null, { events: serve() });
    store.want('inspector', 0, 30);
    for (let i = 400; i < events.length; i += 1500) store.append(events.slice(i, i + 1500), false);
    for (let i = 0; i < 30; i++) expect(store.eventAt(i)?.payload).toEqual(events[i]!.payload);
    expect(store.payloads.size).toBeLessThanOrEqual(WINDOW + CHUNK);
  });

  it('fetches an event far from the window by seq range, with its full payload', async () => {
    const log: [number, number][] = [];
    const store = load(serve(log));
    const far = 1_234;
    expect(store.eventAt(far)).toBeUndefined();
    store.want('inspector', far, far + 20);
    const e = await settle(() => store.eventAt(far));
    expect(e).toEqual(events[far]);
    // One bounded, chunk-aligned request.
    expect(log).toEqual([
      [events[Math.floor(far / CHUNK) * CHUNK]!.seq, events[(Math.floor(far / CHUNK) + 1) * CHUNK - 1]!.seq],
    ]);
    expect(store.payloads.size).toBeLessThanOrEqual(WINDOW + CHUNK);
  });

  it('answers the transcript at any moment, fetching the events it folds from the nearest checkpoint', async () => {
    const store = load();
    for (const n of [1_000, 29_000, 15_001, 15_400, 2, 22_222]) {
      let items = store.transcript.at(n);
      let from = n;
      if (items === null) {
        from = store.transcript.missingFrom;
        expect(from).toBeGreaterThanOrEqual(0);
        expect(from).toBeLessThan(n);
        store.want('position', from, n);
        items = await settle(() => store.transcript.at(n));
      }
      expect(items, `at ${n}`).toEqual(foldFromScratch(n));
      // The window, and the events folded to reach the moment (pinned while it is shown).
      expect(store.payloads.size).toBeLessThanOrEqual(WINDOW + 2 * CHUNK + (n - from));
    }
  });

  it('a failed fetch is reported and not retried at once', async () => {
    let calls = 0;
    const store = load(async () => {
      calls++;
      throw new Error('offline');
    });
    store.want('inspector', 100, 120);
    await settle(() => store.fetchError);
    expect(store.fetchError).toBe('offline');
    store.want('inspector', 100, 120);
    expect(calls).toBe(1);
    expect(store.eventAt(100)).toBeUndefined();
  });
});
