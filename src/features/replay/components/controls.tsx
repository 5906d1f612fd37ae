'use client';
import { cn } from '@/lib/cn';
import { formatDuration } from '@/lib/format';
import { Scrubber } from './scrubber';
import type { Timeline } from './store';

export const speeds = [0.5, 1, 2, 4, 10, 'instant'] as const;
export type Speed = (typeof speeds)[number];

const ctl =
  'inline-flex h-8 min-w-8 items-center justify-center rounded-md border border-zinc-300 bg-white px-2 text-sm text-zinc-700 hover:bg-zinc-100 disabled:opacity-40';

export function ReplayControls({
  playing,
  onPlayPause,
  speed,
  onSpeed,
  timeline,
  playhead,
  onScrub,
  onStep,
  onJump,
  markers,
  errors,
  scoreMarks,
  positionLabel,
}: {
  playing: boolean;
  onPlayPause: () => void;
  speed: Speed;
  onSpeed: (s: Speed) => void;
  timeline: Timeline;
  playhead: number;
  onScrub: (t: number) => void;
  onStep: (delta: number) => void;
  onJump: (dir: 1 | -1) => void;
  markers: number[];
  errors: number[];
  scoreMarks?: number[];
  positionLabel: string;
}) {
  return (
    <div className="flex flex-col gap-2" data-testid="replay-controls">
      <div className="flex flex-wrap items-center gap-1.5">
        <button
          type="button"
          className={cn(ctl, 'w-20 font-medium')}
          onClick={onPlayPause}
          aria-label={playing ? 'Pause' : 'Play'}
        >
          {playing ? '❚❚ Pause' : '▶ Play'}
        </button>
        <button
          type="button"
          className={ctl}
          onClick={() => onStep(-1)}
          aria-label="Step back"
          title="Step back (←)"
        >
          ◂
        </button>
        <button
          type="button"
          className={ctl}
          onClick={() => onStep(1)}
          aria-label="Step forward"
          title="Step forward (→)"
        >
          ▸
        </button>
        <button
          type="button"
          className={ctl}
          onClick={() => onJump(-1)}
          title="Previous tool call or error (k)"
        >
          ⇤ tool/error
        </button>
        <button type="button" className={ctl} onClick={() => onJump(1)} title="Next tool call or error (j)">
          tool/error ⇥
        </button>
        <fieldset
          className="ml-2 flex items-center rounded-md border border-zinc-300 bg-white p-0.5"
          aria-label="Speed"
        >
          {speeds.map((s) => (
            <button
              key={s}
              type="button"
              onClick={() => onSpeed(s)}
              aria-pressed={speed === s}
              className={cn(
                'h-7 rounded px-2 text-xs',
                speed === s ? 'bg-zinc-900 text-white' : 'text-zinc-600 hover:bg-zinc-100',
              )}
            >
              {s === 'instant' ? 'instant' : `${s}x`}
            </button>
          ))}
        </fieldset>
        <span className="ml-auto font-mono text-xs tabular-nums text-zinc-500" data-testid="replay-position">
          {positionLabel}
        </span>
      </div>
      <Scrubber
        timeline={timeline}
        playhead={playhead}
        onScrub={onScrub}
        markers={markers}
        errors={errors}
        scoreMarks={scoreMarks}
      />
      <div className="flex justify-between text-[11px] text-zinc-400">
        <span>0 s</span>
        <span>
          space play/pause · ←/→ step · j/k next/previous tool call or error
          {timeline.gaps.length > 0 && ` · ▥ idle gaps over 2 s compressed`}
        </span>
        <span>{formatDuration(timeline.total)}</span>
      </div>
    </div>
  );
}
