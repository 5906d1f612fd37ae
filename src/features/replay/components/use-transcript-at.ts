'use client';
import { useDeferredValue, useEffect, useMemo, useRef } from 'react';
import type { ReplayStore } from './store';
import { type TranscriptRow, transcriptRows } from './transcript-rows';
import type { Playback } from './use-playback';

/** Events fetched ahead of the position while playing, so the transcript does not wait for them. */
const AHEAD = 512;

/**
 * The transcript's rows at the playback's position (all of them with no position), and whether they
 * are still the last moment's while the new one's events are fetched or folded.
 */
export function useTranscriptAt(
  store: ReplayStore,
  /** The store's version: it grows in place, this says when. */
  version: number,
  p: Pick<Playback, 'cut' | 'index' | 'playing'>,
): { rows: TranscriptRow[]; pending: boolean } {
  const at = p.cut === null ? null : p.index + 1;
  // The transcript follows a scrub in a deferred render: the input (a synchronous update) moves the
  // thumb, the label and the event list at once, and the fold and the rows at the new moment are
  // rendered in a transition React splits into short tasks (the old rows stay, marked pending). Not
  // while playing: the position moves every frame, and a deferred render that each frame interrupts
  // never finishes on a slow machine (the transcript froze); playback folds a few events a frame.
  const deferredAt = useDeferredValue(at);
  const shownAt = p.playing ? at : deferredAt;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the store grows in place; `version` says when
  const items = useMemo(
    () => (shownAt === null ? store.transcript.all() : store.transcript.at(shownAt)),
    [store, version, shownAt],
  );
  // The transcript at a moment needs the events since the nearest checkpoint: while those not held
  // are fetched, the last rows stay on screen (marked pending).
  const shown = useRef<TranscriptRow[]>([]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` moves when earlier parts arrive
  const rows = useMemo(
    () => (items ? transcriptRows(items, store.earlier) : shown.current),
    [items, store, version],
  );
  shown.current = rows;
  const pending = items === null || shownAt !== at;
  // Keeps (and fetches, at once) the events the transcript folds to show the position (from its
  // checkpoint on), and the next ones while playing.
  useEffect(() => {
    if (at === null) store.release('position');
    else store.want('position', store.transcript.foldFrom(at), at + (p.playing ? AHEAD : 1));
  }, [store, at, p.playing]);

  return { rows, pending };
}
