'use client';
import { type ReactNode, startTransition, useEffect, useState } from 'react';
import { Card, CardHeader } from '@/components/ui/card';
import type { ReportDto } from '@/lib/contract/reports';
import type { TrimmedBase } from '@/features/replay/lib/trim';
import type { ReplayEvent } from '../lib/model';
import type { Part } from './parts';
import { PlaybackBar } from './playback-bar';
import { SidePanels } from './side-panels';
import { ReplayStore } from './store';
import { Transcript } from './transcript';
import { type LoadEvents, useEventLoader } from './use-event-loader';
import { useTranscriptAt } from './use-transcript-at';
import { usePlayback, usePlaybackKeys } from './use-playback';

/** Where the replay gets what the page did not send (the page passes its server actions). */
export type ReplayLoaders = {
  events: LoadEvents;
  /** The run's events with from <= seq <= to (payloads the replay let go of, fetched again). */
  range: (fromSeq: number, toSeq: number) => Promise<ReplayEvent[]>;
  /** Parts [from, to) of the `?seq=` checkpoint's open message (`key`) that the page was not sent. */
  parts: (at: { runId: string; seq: number; key: string; from: number; to: number }) => Promise<Part[]>;
};

/** What a panel beside the replay gets of the playback: the step under the playhead and a seek. */
export type ReplayPosition = { seq: number | null; onSeekSeq: (seq: number) => void };

/** The run's replay: controls and transcript on the left, reports and the raw events on the right. */
export function Replay({
  runId,
  base,
  initialEvents,
  initialDone,
  totalEvents,
  reports,
  live,
  loaders,
  scoredSeqs,
  sidePanel,
}: {
  runId: string;
  /** The server's transcript checkpoint the events start after (the page opened at `?seq=N`). */
  base: TrimmedBase | null;
  initialEvents: ReplayEvent[];
  initialDone: boolean;
  totalEvents: number;
  reports: ReportDto[];
  live: boolean;
  loaders: ReplayLoaders;
  /** Seqs the timeline marks (the steps that have scores). */
  scoredSeqs?: number[];
  /** A panel shown above the reports (the run's scores), given the playback's position. */
  sidePanel?: (at: ReplayPosition) => ReactNode;
}) {
  const [store] = useState<ReplayStore>(
    () =>
      new ReplayStore(initialEvents, base, {
        events: loaders.range,
        parts: async (from, to): Promise<Part[]> => {
          return loaders.parts({ runId, seq: store.baseSeq, key: store.earlier!.key, from, to });
        },
      }),
  );
  // New pages re-render in a transition: React can split the rows' rendering into short tasks and
  // put input (a scrub, a key) first (a store subscription would render them synchronously).
  const [version, setVersion] = useState(store.version);
  useEffect(() => store.subscribe(() => startTransition(() => setVersion(store.getVersion()))), [store]);
  const { done, error } = useEventLoader(store, loaders.events, { runId, initialDone, totalEvents, live });
  // The store grows while a transition renders (the loader appends between React's slices of work):
  // every child is given the length read here, once, so the event list's row count and the position
  // it scrolls to are of the same moment (read apart, a complete run's "end" could land mid-list).
  const length = store.length;
  const p = usePlayback(store, done);
  const [openedAtSeq] = useState(() => p.cut !== null);
  usePlaybackKeys(p);
  // Set once React has hydrated the page (children's mount effects run before this one): the browser
  // tests wait for it instead of a fixed delay.
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  const cutSeq = p.cut === null ? Number.POSITIVE_INFINITY : p.cut;
  const { rows, pending } = useTranscriptAt(store, version, p);

  const stepSeq = p.cut === null || p.index < 0 ? null : store.seqAt(p.index);
  const scorePanel = sidePanel?.({
    seq: stepSeq,
    onSeekSeq: (seq) => p.seekFromInspector(store.indexOfSeq(seq)),
  });

  if (store.count === 0 && done && !live && reports.length === 0) {
    return (
      <div className="grid grid-cols-[minmax(0,1fr)] gap-5 xl:grid-cols-[minmax(0,1fr)_minmax(0,460px)]">
        <Card>
          <CardHeader title="Replay" />
          <p className="px-4 py-6 text-sm text-zinc-500">
            This run recorded no events, so there is nothing to replay.
          </p>
        </Card>
        {scorePanel}
      </div>
    );
  }

  return (
    <div
      className="grid grid-cols-[minmax(0,1fr)] gap-5 xl:grid-cols-[minmax(0,1fr)_minmax(0,460px)]"
      data-testid="replay"
      data-hydrated={hydrated || undefined}
    >
      <Card className="min-w-0">
        <div className="sticky top-0 z-10 rounded-t-lg border-b border-zinc-200 bg-white/95 px-4 py-3 backdrop-blur">
          <PlaybackBar store={store} playback={p} scoredSeqs={scoredSeqs} />
        </div>
        <div className="px-4 py-4">
          {store.count === 0 ? (
            <p className="py-8 text-center text-sm text-zinc-400">
              {done ? 'This run has no events.' : 'Loading events…'}
            </p>
          ) : (
            <Transcript
              rows={rows}
              playing={p.playing}
              showEnd={openedAtSeq}
              pending={pending}
              earlier={store.earlier}
            />
          )}
          {!done && p.cut === null && store.count > 0 && (
            <p className="mt-3 text-xs text-zinc-400">
              Loading the rest of the run ({store.count.toLocaleString('en-US')} of{' '}
              {totalEvents.toLocaleString('en-US')} events)…
            </p>
          )}
          {(error ?? store.fetchError) && (
            <p className="mt-3 text-sm text-red-600">{error ?? store.fetchError}</p>
          )}
        </div>
      </Card>
      <SidePanels
        store={store}
        reports={reports}
        cutSeq={cutSeq}
        count={length}
        position={p.cut === null ? null : p.index}
        onSeek={p.seekFromInspector}
        loading={!done}
        total={Math.max(totalEvents, store.count)}
        scoring={scorePanel}
      />
    </div>
  );
}
