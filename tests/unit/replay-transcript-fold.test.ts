import { describe, expect, it } from 'vitest';
import { startClock, tick, TranscriptFolder } from '@/features/replay/lib/transcript';
import type { ReplayEvent } from '@/features/replay/lib/model';
import { ReplayStore } from '@/features/replay/components/store';
import { TranscriptFold } from '@/features/replay/components/transcript-fold';

type ReplayBaseJson = ConstructorParameters<typeof ReplayStore>[1];

/** Two conversations turns; the second is one long tool loop (a message bigger than a checkpoint gap). */
function run(steps: number): ReplayEvent[] {
  const out: ReplayEvent[] = [];
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  const push = (type: string, payload: Record<string, unknown> = {}) =>
    out.push({
      seq: out.length,
      type,
      ts: new Date(t0 + out.length * 40).toISOString(),
      payload: { type, ...payload },
    });
  push('user-message', { text: 'hi' });
  push('start');
  push('text-start', { id: 'a' });
  push('text-delta', { id: 'a', delta: 'Hello' });
  push('text-end', { id: 'a' });
  push('finish');
  push('user-message', { text: 'plan a trip' });
  push('start');
  for (let s = 0; s < steps; s++) {
    push('start-step');
    push('text-start', { id: `t${s}` });
    for (let d = 0; d < 20; d++) push('text-delta', { id: `t${s}`, delta: `w${d} ` });
    push('text-end', { id: `t${s}` });
    push('tool-input-start', { toolCallId: `c${s}`, toolName: 'search' });
    push('tool-input-delta', { toolCallId: `c${s}`, inputTextDelta: '{"q": "x' });
    push('tool-input-available', { toolCallId: `c${s}`, toolName: 'search', input: { q: 'x' } });
    push('tool-output-available', { toolCallId: `c${s}`, output: { n: s } });
    push('usage', { inputTokens: 1, outputTokens: 1 });
    push('finish-step');
  }
  push('finish');
  return out;
}

function fresh(events: ReplayEvent[]) {
  const f = new TranscriptFold((i) => events[i]);
  for (const e of events) f.fold(e);
  f.flush();
  return f.all();
}

describe('TranscriptFold', () => {
  const events = run(120); // ~3,500 events: several checkpoints inside one message

  it('at(n) equals folding the first n events from scratch, going forward and back', () => {
    const store = new ReplayStore([]);
    for (let i = 0; i < events.length; i += 700) store.append(events.slice(i, i + 700));
    const points = [
      0,
      1,
      3,
      7,
      8,
      9,
      600,
      1500,
      1501,
      1502,
      2999,
      40,
      3000,
      events.length - 1,
      events.length,
    ];
    for (const n of points) {
      expect(store.transcript.at(n), `at ${n}`).toEqual(fresh(events.slice(0, n)));
    }
  });

  it('at(n) reads no event before foldFrom(n) (what the replay holds and fetches for a moment)', () => {
    const events = run(60);
    const reads: number[] = [];
    const f = new TranscriptFold((i) => {
      reads.push(i);
      return events[i];
    });
    for (const e of events) f.fold(e);
    f.flush();
    for (const n of [3, 300, 301, 555, 1_000, 257, events.length - 1, events.length]) {
      reads.length = 0;
      f.at(0); // from a checkpoint, not from the last answer
      reads.length = 0;
      const items = f.at(n);
      const from = f.foldFrom(n);
      expect(items, `at ${n}`).toEqual(fresh(events.slice(0, n)));
      expect(from).toBeLessThanOrEqual(n);
      expect(Math.min(...reads, n), `at ${n}`).toBeGreaterThanOrEqual(from);
      // Not the whole run: at most one checkpoint gap (256 events) before the moment.
      expect(n - from).toBeLessThanOrEqual(256);
    }
  });

  it('keeps finished messages by identity between the whole transcript and a point in it', () => {
    const store = new ReplayStore(events);
    const all = store.transcript.all();
    const at = store.transcript.at(events.length - 5);
    expect(at![0]).toBe(all[0]);
    expect(at![1]).toBe(all[1]);
    expect(at![3]).not.toBe(all[3]); // the tool loop is still streaming there
  });

  it('started from a base (a server checkpoint, as at ?seq=N) it answers every later point as the whole run does', () => {
    const cut = 1700;
    const folder = new TranscriptFolder();
    const clock = startClock();
    for (const e of events.slice(0, cut)) {
      folder.apply(e);
      tick(clock, e.ts);
    }
    // Through JSON, as the page hands it to the browser.
    const base = JSON.parse(
      JSON.stringify({ count: cut, seq: cut - 1, clock, transcript: folder.state() }),
    ) as ReplayBaseJson;
    const whole = new ReplayStore(events);
    const store = new ReplayStore(events.slice(cut, cut + 300), base);
    store.append(events.slice(cut + 300));
    expect(store.count).toBe(events.length);
    expect(store.lastSeq).toBe(events.at(-1)!.seq);
    expect(store.times()).toEqual(whole.times().slice(cut));
    expect(store.timeline.start).toBe(whole.timeAt(cut - 1));
    for (const n of [0, 1, 250, 900, events.length - cut - 1, events.length - cut]) {
      expect(store.transcript.at(n), `at ${cut} + ${n}`).toEqual(whole.transcript.at(cut + n));
    }
    expect(store.transcript.all()).toEqual(whole.transcript.all());
  });

  it('answers every point when a part before the current step changes later (late tool results, data by id)', () => {
    const late: ReplayEvent[] = [];
    const push = (type: string, payload: Record<string, unknown> = {}) =>
      late.push({
        seq: late.length,
        type,
        ts: new Date(Date.UTC(2026, 0, 1) + late.length * 40).toISOString(),
        payload,
      });
    push('user-message', { text: 'go' });
    push('start');
    push('data-progress', { id: 'p', data: { done: 0 } });
    for (let s = 0; s < 60; s++) {
      push('start-step');
      push('text-start', { id: `t${s}` });
      for (let d = 0; d < 12; d++) push('text-delta', { id: `t${s}`, delta: `w${d} ` });
      push('text-end', { id: `t${s}` });
      push('tool-input-available', { toolCallId: `c${s}`, toolName: 'search', input: { s } });
      // The result of the call made 15 steps ago, and the progress part (the message's first) again.
      if (s >= 15) push('tool-output-available', { toolCallId: `c${s - 15}`, output: { s: s - 15 } });
      if (s % 10 === 9) push('data-progress', { id: 'p', data: { done: s } });
      // Now and then a tool input streamed over more events than lie between two checkpoints.
      if (s % 20 === 5) {
        push('tool-input-start', { toolCallId: `long${s}`, toolName: 'write' });
        for (let d = 0; d < 600; d++)
          push('tool-input-delta', { toolCallId: `long${s}`, inputTextDelta: `x${d}` });
        push('tool-input-available', { toolCallId: `long${s}`, toolName: 'write', input: {} });
      }
      push('finish-step');
    }
    push('finish');
    const store = new ReplayStore(late);
    for (let n = 0; n <= late.length; n += 37) {
      expect(store.transcript.at(n), `at ${n}`).toEqual(fresh(late.slice(0, n)));
    }
    for (const n of [late.length - 1, 500, 300, 301, 302, 2000, 2001, 1999, 4000]) {
      expect(store.transcript.at(n), `at ${n}`).toEqual(fresh(late.slice(0, n)));
    }
  });

  it('ignores events it already holds when pages overlap', () => {
    const store = new ReplayStore(events.slice(0, 100));
    store.append(events.slice(50, 200));
    expect([...store.seqs()]).toEqual(events.slice(0, 200).map((e) => e.seq));
    expect(store.times()).toHaveLength(200);
  });
});

describe('TranscriptFolder: the user turn of an answer opened before it', () => {
  // The order the AI SDK telemetry integration and the OTLP mapping store: the agent's `start`, then
  // its first model call's user turn.
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  const events: ReplayEvent[] = [
    ['start', {}],
    ['user-message', { text: 'Weather in Paris?' }],
    ['start-step', {}],
    ['text-start', { id: 't' }],
    ['text-delta', { id: 't', delta: 'Sunny.' }],
    ['text-end', { id: 't' }],
    ['finish-step', {}],
    ['finish', {}],
  ].map(([type, payload], seq) => ({
    seq,
    type: type as string,
    ts: new Date(t0 + seq * 10).toISOString(),
    payload: { type, ...(payload as object) },
  }));

  it('reads as the question, then the answer, with no empty message above the question', () => {
    const items = fresh(events);
    expect(items.map((i) => i.kind)).toEqual(['user', 'assistant']);
    expect(items[0]).toMatchObject({ kind: 'user', text: 'Weather in Paris?' });
    const answer = items[1]!;
    expect(answer.kind === 'assistant' && answer.done).toBe(true);
    expect(answer.kind === 'assistant' && answer.message.parts).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'text', text: 'Sunny.' })]),
    );
  });

  it('answers every point as folding from scratch does', () => {
    const store = new ReplayStore(events);
    for (let n = 0; n <= events.length; n++)
      expect(store.transcript.at(n), `at ${n}`).toEqual(fresh(events.slice(0, n)));
  });

  it('keeps a message that already shows something above a later user turn', () => {
    const items = fresh([
      events[0]!,
      { ...events[3]!, seq: 1 },
      { ...events[4]!, seq: 2 },
      { ...events[1]!, seq: 3 },
    ]);
    expect(items.map((i) => i.kind)).toEqual(['assistant', 'user']);
  });
});
