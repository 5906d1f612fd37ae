'use client';
import { parseAsInteger, useQueryState } from 'nuqs';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Card, CardHeader } from '@/components/ui/card';
import type { ReportDto } from '@/lib/contract/reports';
import { formatDuration } from '@/lib/format';
import { loadEvents } from '../actions';
import { ReplayControls, type Speed } from './controls';
import { EventInspector } from './event-inspector';
import { buildItems, buildTimeline, isErrorEvent, isMarker, lastAtOrBefore, type ReplayEvent } from './model';
import { ReportsPanel } from './reports-panel';
import { Transcript } from './transcript';
import { useTranscript } from './use-transcript';

const MAX_TICKS = 400;

function sample<T>(xs: T[]): T[] {
  if (xs.length <= MAX_TICKS) return xs;
  const step = xs.length / MAX_TICKS;
  return Array.from({ length: MAX_TICKS }, (_, i) => xs[Math.floor(i * step)]!);
}

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
  const [events, setEvents] = useState(initialEvents);
  const [done, setDone] = useState(initialDone);
  const [loadError, setLoadError] = useState<string | null>(null);
  // Only the loader below writes events, and it keeps this ref in step. Assigning it during render
  // would be unsafe: a render React discards (an interrupted refresh) would leave a stale tail behind,
  // and the next pull would fetch, and show, the same events twice.
  const eventsRef = useRef(events);

  // The first page came with the HTML; the rest streams in behind it (and keeps coming while live).
  // When a live run ends, the refreshed page reports its final event count: fetch what came last.
  useEffect(() => {
    if (done && !live && eventsRef.current.length >= totalEvents) return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const pull = async () => {
      for (;;) {
        const after = eventsRef.current.at(-1)?.seq ?? -1;
        const res = await loadEvents(null, { runId, afterSeq: after });
        if (cancelled) return;
        if (!res.ok) {
          setLoadError(res.error ?? 'Could not load events');
          return;
        }
        // Keep seqs strictly increasing whatever the timing of overlapping pulls.
        const lastSeq = eventsRef.current.at(-1)?.seq ?? -1;
        const fresh = res.events.filter((e) => e.seq > lastSeq);
        if (fresh.length) {
          const next = eventsRef.current.concat(fresh);
          eventsRef.current = next;
          setEvents(next);
        }
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
  }, [runId, live, done, totalEvents]);

  const seqs = useMemo(() => Int32Array.from(events, (e) => e.seq), [events]);
  const timeline = useMemo(() => buildTimeline(events), [events]);
  const items = useMemo(() => buildItems(events), [events]);
  const markerIdx = useMemo(() => events.flatMap((e, i) => (isMarker(e.type) ? [i] : [])), [events]);
  const sectionSeqs = useMemo(() => {
    const m = new Map<string, number>();
    for (const e of events) {
      const sid = e.type === 'report-section' ? (e.payload as { sectionId?: unknown })?.sectionId : undefined;
      if (typeof sid === 'string' && !m.has(sid)) m.set(sid, e.seq);
    }
    return m;
  }, [events]);

  // The position is a seq (null: the complete run), so ?seq=N holds while later pages load.
  const [seqParam, setSeqParam] = useQueryState(
    'seq',
    parseAsInteger.withOptions({ shallow: true, history: 'replace' }),
  );
  const [cut, setCut] = useState<number | null>(seqParam);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState<Speed>(1);
  const last = events.length - 1;
  const index = cut === null ? last : lastAtOrBefore(seqs, cut);
  const [playhead, setPlayhead] = useState(0);
  const playheadRef = useRef(0);
  const restingPlayhead = cut === null ? timeline.total : index >= 0 ? timeline.times[index]! : 0;
  const shownPlayhead = playing ? playhead : restingPlayhead;

  useEffect(() => {
    // Back/forward or a pasted link changes ?seq under us.
    if (!playing) setCut(seqParam);
  }, [seqParam, playing]);

  const seekIndex = useCallback(
    (i: number, writeUrl = !playing) => {
      const clamped = Math.max(-1, Math.min(i, eventsRef.current.length - 1));
      const seq = clamped < 0 ? -1 : eventsRef.current[clamped]!.seq;
      setCut(seq);
      playheadRef.current = clamped < 0 ? 0 : timeline.times[clamped]!;
      setPlayhead(playheadRef.current);
      if (writeUrl) void setSeqParam(seq);
    },
    [timeline, playing, setSeqParam],
  );

  const seekFromInspector = useCallback(
    (i: number) => {
      setPlaying(false);
      seekIndex(i, true);
    },
    [seekIndex],
  );

  const scrub = (t: number) => {
    playheadRef.current = t;
    setPlayhead(t);
    seekIndex(lastAtOrBefore(timeline.times, t));
  };

  const play = useCallback(() => {
    if (speed === 'instant') {
      setCut(null);
      void setSeqParam(null);
      return;
    }
    if (cut === null || index >= last) {
      playheadRef.current = 0;
      setCut(-1);
    } else playheadRef.current = restingPlayhead;
    setPlayhead(playheadRef.current);
    setPlaying(true);
  }, [speed, cut, index, last, restingPlayhead, setSeqParam]);

  const pause = useCallback(() => {
    setPlaying(false);
    const i = lastAtOrBefore(timeline.times, playheadRef.current);
    const seq = i < 0 ? -1 : eventsRef.current[i]!.seq;
    setCut(seq);
    void setSeqParam(seq);
  }, [timeline, setSeqParam]);

  // The playback clock: advances the playhead by real time x speed and moves the position with it.
  useEffect(() => {
    if (!playing || speed === 'instant') return;
    let raf = 0;
    let prev = performance.now();
    const tick = (now: number) => {
      playheadRef.current += (now - prev) * speed;
      prev = now;
      const end = timeline.total;
      if (playheadRef.current >= end && done) {
        playheadRef.current = end;
        setPlayhead(end);
        const seq = eventsRef.current.at(-1)?.seq ?? -1;
        setCut(seq);
        setPlaying(false);
        void setSeqParam(seq);
        return;
      }
      playheadRef.current = Math.min(playheadRef.current, end);
      setPlayhead(playheadRef.current);
      const i = lastAtOrBefore(timeline.times, playheadRef.current);
      const seq = i < 0 ? -1 : eventsRef.current[i]!.seq;
      setCut((c) => (c === seq ? c : seq));
      raf = requestAnimationFrame(tick);
    };
    raf = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(raf);
  }, [playing, speed, timeline, done, setSeqParam]);

  const step = (delta: number) => {
    if (playing) setPlaying(false);
    seekIndex(index + delta, true);
  };
  const jump = (dir: 1 | -1) => {
    if (playing) setPlaying(false);
    const target =
      dir === 1 ? markerIdx.find((i) => i > index) : [...markerIdx].reverse().find((i) => i < index);
    if (target !== undefined) seekIndex(target, true);
  };

  const keys = useRef({ play, pause, playing, step, jump });
  keys.current = { play, pause, playing, step, jump };
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

  const cutSeq = cut === null ? Number.POSITIVE_INFINITY : cut;
  const entries = useTranscript(items, cutSeq);
  const current = index >= 0 ? events[index] : undefined;
  const positionLabel =
    cut === null
      ? `complete run · ${events.length.toLocaleString('en-US')} events`
      : current
        ? `event ${index + 1}/${events.length} · seq ${current.seq} · ${formatDuration(shownPlayhead)}`
        : 'start of the run';

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
            playing={playing}
            onPlayPause={() => (playing ? pause() : play())}
            speed={speed}
            onSpeed={(s) => {
              setSpeed(s);
              if (s === 'instant' && playing) {
                setPlaying(false);
                setCut(null);
                void setSeqParam(null);
              }
            }}
            timeline={timeline}
            playhead={shownPlayhead}
            onScrub={scrub}
            onStep={step}
            onJump={jump}
            markers={sample(
              markerIdx.filter((i) => !isErrorEvent(events[i]!.type)).map((i) => timeline.times[i]!),
            )}
            errors={sample(
              markerIdx.filter((i) => isErrorEvent(events[i]!.type)).map((i) => timeline.times[i]!),
            )}
            positionLabel={positionLabel}
          />
        </div>
        <div className="px-4 py-4">
          {events.length === 0 ? (
            <p className="py-8 text-center text-sm text-zinc-400">
              {done ? 'This run has no events.' : 'Loading events…'}
            </p>
          ) : (
            <Transcript entries={entries} playing={playing} />
          )}
          {!done && cut === null && events.length > 0 && (
            <p className="mt-3 text-xs text-zinc-400">
              Loading the rest of the run ({events.length.toLocaleString('en-US')} of{' '}
              {totalEvents.toLocaleString('en-US')} events)…
            </p>
          )}
          {loadError && <p className="mt-3 text-sm text-red-600">{loadError}</p>}
        </div>
      </Card>
      <div className="flex min-w-0 flex-col gap-5">
        {reports.length > 0 && (
          <Card>
            <CardHeader title="Reports" />
            <div className="p-3">
              <ReportsPanel reports={reports} sectionSeqs={sectionSeqs} cutSeq={cutSeq} />
            </div>
          </Card>
        )}
        <Card>
          <CardHeader title="Events" />
          <EventInspector
            events={events}
            position={cut === null ? events.length : index}
            onSeek={seekFromInspector}
            loading={!done}
            total={Math.max(totalEvents, events.length)}
          />
        </Card>
      </div>
    </div>
  );
}
