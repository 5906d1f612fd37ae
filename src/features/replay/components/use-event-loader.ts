'use client';
import { useEffect, useState } from 'react';
import { yieldToMain } from '@/lib/yield';
import type { ReplayEvent } from '../lib/model';
import type { ReplayStore } from './store';

/** The next page of the run's events (seq > afterSeq); throws with a message the replay shows. */
export type LoadEvents = (
  runId: string,
  afterSeq: number,
) => Promise<{ events: ReplayEvent[]; done: boolean }>;

/** Events folded per task: a page is folded in slices with a yield between them, so no task is long. */
const SLICE = 250;

/**
 * The first page came with the HTML; the rest streams into the store behind it, one page at a time
 * (and keeps coming every few seconds while the run is live). When a live run ends, the refreshed
 * page reports its final event count: fetch what came last.
 */
export function useEventLoader(
  store: ReplayStore,
  loadEvents: LoadEvents,
  {
    runId,
    initialDone,
    totalEvents,
    live,
  }: { runId: string; initialDone: boolean; totalEvents: number; live: boolean },
) {
  const [done, setDone] = useState(initialDone);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (done && !live && store.count >= totalEvents) return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const pull = async () => {
      for (;;) {
        let res: Awaited<ReturnType<LoadEvents>>;
        try {
          res = await loadEvents(runId, store.lastSeq);
        } catch (err) {
          if (!cancelled) setError(err instanceof Error ? err.message : 'Could not load events');
          return;
        }
        if (cancelled) return;
        // The store ignores seqs it already holds, whatever the timing of overlapping pulls. Each slice
        // is folded in its own task, so input and rendering get the main thread in between; React is
        // told once, after the page's last slice.
        const { events } = res;
        const before = store.version;
        for (let i = 0; i < events.length; i += SLICE) {
          await yieldToMain();
          if (cancelled) return;
          store.append(events.slice(i, i + SLICE), false);
        }
        if (store.version !== before) store.notify();
        if (res.done) break;
      }
      setDone(true);
      if (live) timer = setTimeout(pull, 3000);
    };
    void pull();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [store, loadEvents, runId, live, done, totalEvents]);
  return { done, error };
}
