'use client';
import { startTransition, useEffect, useMemo, useState } from 'react';
import { Card, CardHeader } from '@/components/ui/card';
import type { ReportDto } from '@/lib/contract/reports';
import type { ReplayBase } from '@/lib/replay/transcript';
import type { ReplayEvent } from './model';
import { PlaybackBar } from './playback-bar';
import { SidePanels } from './side-panels';
import { ReplayStore } from './store';
import { Transcript } from './transcript';
import { transcriptRows } from './transcript-rows';
import { useEventLoader } from './use-event-loader';
import { usePlayback, usePlaybackKeys } from './use-playback';

/** The run's replay: controls and transcript on the left, reports and the raw events on the right. */
export function Replay({
  runId,
  base,
  initialEvents,
  initialDone,
  totalEvents,
  reports,
  live,
}: {
  runId: string;
  /** The server's transcript checkpoint the events start after (the page opened at `?seq=N`). */
  base: ReplayBase | null;
  initialEvents: ReplayEvent[];
  initialDone: boolean;
  totalEvents: number;
  reports: ReportDto[];
  live: boolean;
}) {
  const [store] = useState(() => new ReplayStore(initialEvents, base));
  // New pages re-render in a transition: React can split the rows' rendering into short tasks and
  // put input (a scrub, a key) first (a store subscription would render them synchronously).
  const [version, setVersion] = useState(store.version);
  useEffect(() => store.subscribe(() => startTransition(() => setVersion(store.getVersion()))), [store]);
  const { done, error } = useEventLoader(store, { runId, initialDone, totalEvents, live });
  const p = usePlayback(store, done);
  const [openedAtSeq] = useState(() => p.cut !== null);
  usePlaybackKeys(p);
  const { events } = store;
  const cutSeq = p.cut === null ? Number.POSITIVE_INFINITY : p.cut;
  const at = p.cut === null ? null : p.index + 1;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the store grows in place; `version` says when
  const rows = useMemo(
    () => transcriptRows(at === null ? store.transcript.all() : store.transcript.at(at)),
    [store, version, at],
  );

  if (store.count === 0 && done && !live && reports.length === 0) {
    return (
      <Card>
        <CardHeader title="Replay" />
        <p className="px-4 py-6 text-sm text-zinc-500">
          This run recorded no events, so there is nothing to replay.
        </p>
      </Card>
    );
  }

  return (
    <div className="grid gap-5 xl:grid-cols-[minmax(0,1fr)_minmax(0,460px)]">
      <Card className="min-w-0">
        <div className="sticky top-0 z-10 rounded-t-lg border-b border-zinc-200 bg-white/95 px-4 py-3 backdrop-blur">
          <PlaybackBar store={store} playback={p} />
        </div>
        <div className="px-4 py-4">
          {store.count === 0 ? (
            <p className="py-8 text-center text-sm text-zinc-400">
              {done ? 'This run has no events.' : 'Loading events…'}
            </p>
          ) : (
            <Transcript rows={rows} playing={p.playing} showEnd={openedAtSeq} />
          )}
          {!done && p.cut === null && store.count > 0 && (
            <p className="mt-3 text-xs text-zinc-400">
              Loading the rest of the run ({store.count.toLocaleString('en-US')} of{' '}
              {totalEvents.toLocaleString('en-US')} events)…
            </p>
          )}
          {error && <p className="mt-3 text-sm text-red-600">{error}</p>}
        </div>
      </Card>
      <SidePanels
        store={store}
        reports={reports}
        cutSeq={cutSeq}
        position={p.cut === null ? events.length : p.index}
        onSeek={p.seekFromInspector}
        loading={!done}
        total={Math.max(totalEvents, store.count)}
      />
    </div>
  );
}
