'use client';
import { useMemo, useState, useSyncExternalStore } from 'react';
import { Card, CardHeader } from '@/components/ui/card';
import type { ReportDto } from '@/lib/contract/reports';
import { formatDuration } from '@/lib/format';
import { ReplayControls } from './controls';
import { isErrorEvent, type ReplayEvent } from './model';
import { SidePanels } from './side-panels';
import { ReplayStore } from './store';
import { Transcript } from './transcript';
import { transcriptRows } from './transcript-rows';
import { useEventLoader } from './use-event-loader';
import { type Playback, usePlayback, usePlaybackKeys } from './use-playback';

const MAX_TICKS = 400;

function sample<T>(xs: T[]): T[] {
  if (xs.length <= MAX_TICKS) return xs;
  const step = xs.length / MAX_TICKS;
  return Array.from({ length: MAX_TICKS }, (_, i) => xs[Math.floor(i * step)]!);
}

function positionLabel(store: ReplayStore, p: Playback): string {
  const n = store.events.length;
  if (p.cut === null) return `complete run · ${n.toLocaleString('en-US')} events`;
  const current = p.index >= 0 ? store.events[p.index] : undefined;
  if (!current) return 'start of the run';
  return `event ${p.index + 1}/${n} · seq ${current.seq} · ${formatDuration(p.playhead)}`;
}

/** The run's replay: controls and transcript on the left, reports and the raw events on the right. */
export function Replay({
  runId,
  initialEvents,
  initialDone,
  totalEvents,
  reports,
  live,
}: {
  runId: string;
  initialEvents: ReplayEvent[];
  initialDone: boolean;
  totalEvents: number;
  reports: ReportDto[];
  live: boolean;
}) {
  const [store] = useState(() => new ReplayStore(initialEvents));
  const version = useSyncExternalStore(store.subscribe, store.getVersion, store.getVersion);
  const { done, error } = useEventLoader(store, { runId, initialDone, totalEvents, live });
  const p = usePlayback(store, done);
  usePlaybackKeys(p);
  const { events, timeline, markers } = store;
  const cutSeq = p.cut === null ? Number.POSITIVE_INFINITY : p.cut;
  const at = p.cut === null ? null : p.index + 1;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the store grows in place; `version` says when
  const rows = useMemo(
    () => transcriptRows(at === null ? store.transcript.all() : store.transcript.at(at)),
    [store, version, at],
  );

  if (events.length === 0 && done && !live && reports.length === 0) {
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
          <ReplayControls
            playing={p.playing}
            onPlayPause={() => (p.playing ? p.pause() : p.play())}
            speed={p.speed}
            onSpeed={p.setSpeed}
            timeline={timeline}
            playhead={p.playhead}
            onScrub={p.scrub}
            onStep={p.step}
            onJump={p.jump}
            markers={sample(
              markers.filter((i) => !isErrorEvent(events[i]!.type)).map((i) => timeline.times[i]!),
            )}
            errors={sample(
              markers.filter((i) => isErrorEvent(events[i]!.type)).map((i) => timeline.times[i]!),
            )}
            positionLabel={positionLabel(store, p)}
          />
        </div>
        <div className="px-4 py-4">
          {events.length === 0 ? (
            <p className="py-8 text-center text-sm text-zinc-400">
              {done ? 'This run has no events.' : 'Loading events…'}
            </p>
          ) : (
            <Transcript rows={rows} playing={p.playing} />
          )}
          {!done && p.cut === null && events.length > 0 && (
            <p className="mt-3 text-xs text-zinc-400">
              Loading the rest of the run ({events.length.toLocaleString('en-US')} of{' '}
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
        total={Math.max(totalEvents, events.length)}
      />
    </div>
  );
}
