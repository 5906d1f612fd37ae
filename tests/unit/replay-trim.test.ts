import { describe, expect, it } from 'vitest';
import { type ReplayBase, startClock, TranscriptFolder, tick } from '@/features/replay/lib/transcript';
import { type TrimmedBase, trimBase } from '@/features/replay/lib/trim';
import type { ReplayEvent } from '@/features/replay/lib/model';
import type { Part } from '@/features/replay/components/parts';
import { ReplayStore } from '@/features/replay/components/store';
import { type TranscriptRow, transcriptRows } from '@/features/replay/components/transcript-rows';
import { agentRun } from '../../scripts/lib/agent-run';

const events: ReplayEvent[] = agentRun(20_000);

/** The server's checkpoint after the first `count` events. */
function baseAt(count: number): ReplayBase {
  const folder = new TranscriptFolder();
  const clock = startClock();
  for (const e of events.slice(0, count)) {
    folder.apply(e);
    tick(clock, e.ts);
  }
  return { count, seq: count - 1, clock, transcript: folder.state() };
}

/** Through JSON, as the page hands it to the browser. */
const sent = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

const shape = (rows: TranscriptRow[]) =>
  rows.map((r) =>
    r.kind === 'part' ? { key: r.key, step: r.step, first: r.first, last: r.last, part: r.part } : r,
  );

describe('trimmed ?seq= base', () => {
  const full = baseAt(15_000);
  const trimmed = sent(trimBase(full, 120));
  const after = events.slice(15_000, 15_400);

  it('sends the last parts of the open message and a small part of the checkpoint', () => {
    const parts = full.transcript.open!.state.parts;
    expect(trimmed.omittedParts).toBeGreaterThan(parts.length - 130);
    expect(trimmed.transcript.open!.state.parts.length).toBe(parts.length - trimmed.omittedParts!);
    expect(trimmed.omittedSteps).toBe(
      parts.slice(0, trimmed.omittedParts).filter((p) => p.type === 'step-start').length,
    );
    // 450 parts at 15k events, 120 sent (and the state that goes with them).
    expect(JSON.stringify(trimmed).length).toBeLessThan(JSON.stringify(full).length * 0.3);
  });

  it('shows the same transcript as the whole base once the earlier parts are fetched as the reader scrolls back', async () => {
    const whole = new ReplayStore(after, sent(full));
    const fetched: [number, number][] = [];
    const store = new ReplayStore(after, trimmed, {
      parts: async (from, to) => {
        fetched.push([from, to]);
        return sent(full.transcript.open!.state.parts.slice(from, to)) as Part[];
      },
    });
    const wholeRows = transcriptRows(whole.transcript.all());
    let rows = transcriptRows(store.transcript.all(), store.earlier);
    // Before: one row for what was left out, then exactly the whole base's rows after it.
    const first = rows.findIndex((r) => r.kind === 'earlier');
    expect(rows[first]).toMatchObject({
      kind: 'earlier',
      count: trimmed.omittedParts,
      steps: trimmed.omittedSteps,
    });
    expect(shape(rows.slice(first + 1))).toEqual(shape(wholeRows.slice(first + trimmed.omittedParts!)));
    expect(shape(rows.slice(0, first))).toEqual(shape(wholeRows.slice(0, first)));
    while (store.earlier!.from > 0) await store.earlier!.loadMore();
    rows = transcriptRows(store.transcript.all(), store.earlier);
    expect(shape(rows)).toEqual(shape(wholeRows));
    expect(fetched.length).toBeGreaterThan(1);
    // And at an earlier moment of the same message.
    expect(shape(transcriptRows(store.transcript.at(200)!, store.earlier))).toEqual(
      shape(transcriptRows(whole.transcript.at(200)!)),
    );
  });

  it('never leaves out a part a later chunk could change, nor the current step', () => {
    const state = full.transcript.open!.state;
    const dataFirst: ReplayBase = {
      ...full,
      transcript: {
        ...full.transcript,
        open: {
          ...full.transcript.open!,
          state: { ...state, parts: [{ type: 'data-progress', id: 'p', data: 1 }, ...state.parts] },
        },
      },
    };
    expect((trimBase(dataFirst, 120) as TrimmedBase).omittedParts).toBeUndefined();
    const t = trimBase(full, 0);
    const lastStep = state.parts.findLastIndex((p) => p.type === 'step-start');
    expect(t.omittedParts).toBeLessThanOrEqual(lastStep);
  });
});
