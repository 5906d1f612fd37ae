'use client';
import { parseAsInteger, useQueryState } from 'nuqs';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Speed } from './controls';
import { lastAtOrBefore } from '../lib/model';
import type { ReplayStore } from './store';

/**
 * The replay position and the playback clock. The position is a seq (null: the complete run), so
 * ?seq=N holds while later pages load; `index` is the last event at or before it.
 */
export function usePlayback(store: ReplayStore, done: boolean) {
  const [seqParam, setSeqParam] = useQueryState(
    'seq',
    parseAsInteger.withOptions({ shallow: true, history: 'replace' }),
  );
  const [cut, setCut] = useState<number | null>(seqParam);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeedState] = useState<Speed>(1);
  const [playhead, setPlayhead] = useState(0);
  const playheadRef = useRef(0);
  const { timeline } = store;
  const last = store.length - 1;
  const index = cut === null ? last : store.indexOfSeq(cut);
  const restingPlayhead = cut === null ? timeline.total : index >= 0 ? store.timeAt(index) : timeline.start;
  const shownPlayhead = playing ? playhead : restingPlayhead;

  useEffect(() => {
    // Back/forward or a pasted link changes ?seq under us.
    if (!playing) setCut(seqParam);
  }, [seqParam, playing]);

  const seqAt = (i: number) => (i < 0 ? store.baseSeq : store.seqAt(i));

  const seekIndex = (i: number, writeUrl = !playing) => {
    const clamped = Math.max(-1, Math.min(i, store.length - 1));
    const seq = seqAt(clamped);
    setCut(seq);
    playheadRef.current = clamped < 0 ? store.timeline.start : store.timeAt(clamped);
    setPlayhead(playheadRef.current);
    if (writeUrl) void setSeqParam(seq);
  };
  const seekRef = useRef(seekIndex);
  seekRef.current = seekIndex;

  const stop = () => setPlaying(false);
  const seekFromInspector = useCallback((i: number) => {
    setPlaying(false);
    seekRef.current(i, true);
  }, []);

  const scrub = (t: number) => {
    playheadRef.current = t;
    setPlayhead(t);
    seekIndex(lastAtOrBefore(store.times(), t));
  };

  const play = () => {
    if (speed === 'instant') {
      setCut(null);
      void setSeqParam(null);
      return;
    }
    if (cut === null || index >= last) {
      playheadRef.current = timeline.start;
      setCut(store.baseSeq);
    } else playheadRef.current = restingPlayhead;
    setPlayhead(playheadRef.current);
    setPlaying(true);
  };

  const pause = () => {
    setPlaying(false);
    const seq = seqAt(lastAtOrBefore(store.times(), playheadRef.current));
    setCut(seq);
    void setSeqParam(seq);
  };

  const setSpeed = (s: Speed) => {
    setSpeedState(s);
    if (s === 'instant' && playing) {
      setPlaying(false);
      setCut(null);
      void setSeqParam(null);
    }
  };

  // The playback clock: advances the playhead by real time x speed and moves the position with it.
  useEffect(() => {
    if (!playing || speed === 'instant') return;
    let raf = 0;
    let prev = performance.now();
    const tick = (now: number) => {
      const tl = store.timeline;
      playheadRef.current += (now - prev) * speed;
      prev = now;
      if (playheadRef.current >= tl.total && done) {
        playheadRef.current = tl.total;
        setPlayhead(tl.total);
        const seq = store.lastSeq;
        setCut(seq);
        setPlaying(false);
        void setSeqParam(seq);
        return;
      }
      playheadRef.current = Math.min(playheadRef.current, tl.total);
      setPlayhead(playheadRef.current);
      const i = lastAtOrBefore(store.times(), playheadRef.current);
      const seq = i >= 0 ? store.seqAt(i) : store.baseSeq;
      setCut((c) => (c === seq ? c : seq));
      raf = requestAnimationFrame(tick);
    };
    raf = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(raf);
  }, [store, playing, speed, done, setSeqParam]);

  const step = (delta: number) => {
    if (playing) stop();
    seekIndex(index + delta, true);
  };
  const jump = (dir: 1 | -1) => {
    if (playing) stop();
    const m = store.markers;
    const target = dir === 1 ? m.find((i) => i > index) : m.findLast((i) => i < index);
    if (target !== undefined) seekIndex(target, true);
  };

  return {
    cut,
    index,
    playing,
    speed,
    playhead: shownPlayhead,
    play,
    pause,
    setSpeed,
    scrub,
    step,
    jump,
    seekFromInspector,
  };
}

export type Playback = ReturnType<typeof usePlayback>;

/** Space plays/pauses, arrows step, j/k jump between tool calls and errors (not while typing). */
export function usePlaybackKeys(p: Playback) {
  const keys = useRef(p);
  keys.current = p;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement | null;
      const tag = el?.tagName;
      if (e.metaKey || e.ctrlKey || e.altKey) return;
      if (tag === 'TEXTAREA' || tag === 'SELECT' || el?.isContentEditable) return;
      if (tag === 'INPUT' && (el as HTMLInputElement).type !== 'range') return;
      const k = keys.current;
      if (e.key === ' ') {
        if (tag === 'BUTTON') return; // the focused button handles space itself
        e.preventDefault();
        if (k.playing) k.pause();
        else k.play();
      } else if (e.key === 'ArrowRight') {
        e.preventDefault();
        k.step(1);
      } else if (e.key === 'ArrowLeft') {
        e.preventDefault();
        k.step(-1);
      } else if (e.key === 'j') k.jump(1);
      else if (e.key === 'k') k.jump(-1);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
