'use client';
import type { ComponentProps } from 'react';
import type { Part } from '@/features/replay/components/parts';
import { Replay, type ReplayLoaders } from '@/features/replay/components/replay';
import type { ReplayEvent } from '@/features/replay/lib/model';
import { loadBaseParts, loadEvents } from './actions';
import { ScorePanel, type Scoring } from './scoring/score-panel';

/** The replay's loaders are this page's server actions (module-level: the loader's effect keeps them). */
const loaders: ReplayLoaders = {
  events: async (runId, afterSeq) => {
    const res = await loadEvents(null, { runId, afterSeq });
    if (!res.ok) throw new Error(res.error ?? 'Could not load events');
    return res;
  },
  range: async (fromSeq, toSeq) => {
    // The page's own path (/p/<slug>/runs/<id>): the route reads the project from it.
    const res = await fetch(`${window.location.pathname}/events?from=${fromSeq}&to=${toSeq}`);
    const body = (await res.json().catch(() => null)) as {
      events?: ReplayEvent[];
      error?: { message?: string };
    } | null;
    if (!res.ok || !body?.events) throw new Error(body?.error?.message ?? 'Could not load events');
    return body.events;
  },
  parts: async (at) => {
    const res = await loadBaseParts(null, at);
    if (!res.ok) throw new Error(res.error ?? 'Could not load the earlier parts');
    return res.parts as Part[];
  },
};

/** The run page's replay: the replay feature with this page's loaders and the run's score panel. */
export function RunReplay({
  scoring,
  ...props
}: Omit<ComponentProps<typeof Replay>, 'loaders' | 'scoredSeqs' | 'sidePanel'> & {
  /** The run's scores and what the viewer may score with. */
  scoring?: Scoring;
}) {
  return (
    <Replay
      {...props}
      loaders={loaders}
      scoredSeqs={scoring?.scores.flatMap((s) => (s.seq === null ? [] : [s.seq]))}
      sidePanel={
        scoring &&
        ((at) => <ScorePanel runId={props.runId} seq={at.seq} scoring={scoring} onSeekSeq={at.onSeekSeq} />)
      }
    />
  );
}
