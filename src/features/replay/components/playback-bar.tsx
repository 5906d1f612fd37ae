'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { formatDuration } from '@/lib/format';
import { ReplayControls } from './controls';
import { isErrorEvent } from '../lib/model';
import type { ReplayStore } from './store';
import type { Playback } from './use-playback';

const MAX_TICKS = 400;

function sample<T>(xs: T[]): T[] {
  if (xs.length <= MAX_TICKS) return xs;
  const step = xs.length / MAX_TICKS;
  return Array.from({ length: MAX_TICKS }, (_, i) => xs[Math.floor(i * step)]!);
}

function positionLabel(store: ReplayStore, p: Playback): string {
  const n = store.count;
  if (p.cut === null) return `complete run · ${n.toLocaleString('en-US')} events`;
  const seq = p.index >= 0 ? store.seqAt(p.index) : store.baseSeq;
  if (seq < 0) return 'start of the run';
  return `event ${store.base + p.index + 1}/${n} · seq ${seq} · ${formatDuration(p.playhead)}`;
}

/** The replay's controls wired to its store and playback: play, speed, scrubber with markers, steps. */
export function PlaybackBar({
  store,
  playback: p,
  scoredSeqs = [],
}: {
  store: ReplayStore;
  playback: Playback;
  /** The seqs of the steps that have scores: marks on the scrubber. */
  scoredSeqs?: number[];
}) {
  const { timeline, markers } = store;
  const path = usePathname();
  return (
    <>
      {store.base > 0 && (
        <p className="mb-2 text-xs text-zinc-500">
          Opened at a moment: the replay starts at event {store.base.toLocaleString('en-US')} (seq{' '}
          {store.baseSeq}).{' '}
          <Link href={path} className="text-blue-700 underline">
            Replay the whole run
          </Link>
        </p>
      )}
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
        markers={sample(markers.filter((i) => !isErrorEvent(store.typeAt(i))).map((i) => store.timeAt(i)))}
        errors={sample(markers.filter((i) => isErrorEvent(store.typeAt(i))).map((i) => store.timeAt(i)))}
        scoreMarks={scoredSeqs
          .map((seq) => store.indexOfSeq(seq))
          .filter((i) => i >= 0)
          .map((i) => store.timeAt(i))}
        positionLabel={positionLabel(store, p)}
      />
    </>
  );
}
