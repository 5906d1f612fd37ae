'use client';
import { formatDuration } from '@/lib/format';
import type { Timeline } from './store';

/** The timeline: progress, compressed idle gaps, tool-call and error ticks, and the range input. */
export function Scrubber({
  timeline,
  playhead,
  onScrub,
  markers,
  errors,
  scoreMarks = [],
}: {
  timeline: Timeline;
  playhead: number;
  onScrub: (t: number) => void;
  markers: number[];
  errors: number[];
  /** Times of the steps that have scores. */
  scoreMarks?: number[];
}) {
  const from = timeline.start;
  const total = Math.max(timeline.total, from + 1);
  const pct = (t: number) => `${Math.max(0, Math.min(100, ((t - from) / (total - from)) * 100))}%`;
  return (
    <div className="relative h-6">
      <div className="pointer-events-none absolute inset-x-0 top-1/2 h-1.5 -translate-y-1/2 rounded-full bg-zinc-200" />
      <div
        className="pointer-events-none absolute left-0 top-1/2 h-1.5 -translate-y-1/2 rounded-full bg-zinc-800"
        style={{ width: pct(playhead) }}
      />
      {timeline.gaps.map((g, i) => (
        <span
          key={`g${i}`}
          title={`idle ${formatDuration(g.realMs)} (compressed)`}
          className="pointer-events-none absolute top-0 h-6 w-1 -translate-x-1/2 bg-[repeating-linear-gradient(0deg,#a1a1aa_0_2px,transparent_2px_4px)]"
          style={{ left: pct(g.at) }}
        />
      ))}
      {markers.map((t, i) => (
        <span
          key={`m${i}`}
          className="pointer-events-none absolute top-0 h-1.5 w-0.5 bg-violet-500"
          style={{ left: pct(t) }}
        />
      ))}
      {errors.map((t, i) => (
        <span
          key={`e${i}`}
          className="pointer-events-none absolute bottom-0 h-1.5 w-0.5 bg-red-500"
          style={{ left: pct(t) }}
        />
      ))}
      {scoreMarks.map((t, i) => (
        <span
          key={`s${i}`}
          data-testid="score-mark"
          className="pointer-events-none absolute -top-1 size-2 -translate-x-1/2 rotate-45 bg-amber-500"
          style={{ left: pct(t) }}
        />
      ))}
      <input
        type="range"
        aria-label="Replay position"
        min={from}
        max={total}
        step="any"
        value={Math.max(from, Math.min(playhead, total))}
        onChange={(e) => onScrub(Number(e.target.value))}
        className="absolute inset-0 h-6 w-full cursor-pointer appearance-none bg-transparent [&::-webkit-slider-thumb]:size-3.5 [&::-webkit-slider-thumb]:appearance-none [&::-webkit-slider-thumb]:rounded-full [&::-webkit-slider-thumb]:border-2 [&::-webkit-slider-thumb]:border-white [&::-webkit-slider-thumb]:bg-zinc-900 [&::-webkit-slider-thumb]:shadow"
      />
    </div>
  );
}
