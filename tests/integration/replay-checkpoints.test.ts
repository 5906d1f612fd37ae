import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { runs, runTranscriptCheckpoints } from '@/db/schema';
import { startClock, tick, TranscriptFolder, type ReplayBase } from '@/features/replay/lib/transcript';
import type { EventInput } from '@/lib/contract';
import { appendEvents } from '@/server/events';
import { trimBase } from '@/features/replay/lib/trim';
import {
  BASE_PARTS_MAX,
  baseParts,
  CHECKPOINT_EVERY,
  chainRows,
  ensureCheckpoints,
  KEYFRAME_EVERY,
  listEventsBetween,
  replayBaseAt,
  replayStateAt,
} from '@/features/replay/server';
import { agentRun, type AgentRunEvent } from '../../scripts/lib/agent-run';
import { encodeCheckpoint } from '@/features/replay/server/codec';
import { describeEachDb } from '../helpers/db';
import { makeProject, makeRun } from '../helpers/fixtures';

const events = agentRun(3_600);

/** The transcript and replay time at `seq` folded from the first event. */
function fromScratch(upto: number, all: AgentRunEvent[] = events) {
  const f = new TranscriptFolder();
  const clock = startClock();
  for (const e of all) {
    if (e.seq > upto) break;
    f.apply(e);
    tick(clock, e.ts);
  }
  f.flush();
  return { items: f.items, time: clock.total };
}

/** The same from a server checkpoint plus the events after it, as the browser does at `?seq=N`. */
function fromBase(base: ReplayBase | null, upto: number, all: AgentRunEvent[] = events) {
  const f = TranscriptFolder.from(base?.transcript ?? null);
  const clock = base ? { ...base.clock } : startClock();
  for (const e of all) {
    if (e.seq <= (base?.seq ?? -1) || e.seq > upto) continue;
    f.apply(e);
    tick(clock, e.ts);
  }
  f.flush();
  return { items: f.items, time: clock.total };
}

async function append(db: Parameters<typeof appendEvents>[0], p: string, r: string, es: AgentRunEvent[]) {
  const input = es as EventInput[];
  for (let i = 0; i < input.length; i += 500) await appendEvents(db, p, r, input.slice(i, i + 500));
}

const checkpointSeqs = async (db: Parameters<typeof appendEvents>[0], runId: string) =>
  (
    await db
      .select({ seq: runTranscriptCheckpoints.seq })
      .from(runTranscriptCheckpoints)
      .where(eq(runTranscriptCheckpoints.runId, runId))
      .orderBy(runTranscriptCheckpoints.seq)
  ).map((r) => r.seq);

/** The third checkpoint stores the open message's streamed tool calls as a delta, not all of them. */
async function expectToolCallsAsDelta(db: Parameters<typeof appendEvents>[0], runId: string) {
  const stored = await db
    .select({ state: runTranscriptCheckpoints.state })
    .from(runTranscriptCheckpoints)
    .where(eq(runTranscriptCheckpoints.runId, runId))
    .orderBy(runTranscriptCheckpoints.seq);
  const open = (i: number) => (stored[i]!.state as { open: { rest: object; calls?: object } }).open;
  const began = (from: number, to: number) =>
    events.filter((e) => e.seq > from && e.seq <= to && e.type === 'tool-input-start').length;
  expect(Object.keys(open(2).calls ?? {}).length).toBeLessThanOrEqual(began(1999, 2999) + 1);
  expect(began(1999, 2999) + 1).toBeLessThan(began(-1, 2999));
  expect(open(2).rest).not.toHaveProperty('partialCalls');
}

describeEachDb('replay transcript checkpoints', ({ db }) => {
  it('the checkpoint at or before N plus the events after it is the transcript folded from the start', async () => {
    const p = await makeProject(db());
    const run = await makeRun(db(), p.id);
    await append(db(), p.id, run.id, events);
    expect((await ensureCheckpoints(db(), p.id, run.id)).written).toBe(3);
    expect(await checkpointSeqs(db(), run.id)).toEqual([999, 1999, 2999]);
    await expectToolCallsAsDelta(db(), run.id);
    for (const n of [0, 999, 1742, 2999, 3599]) {
      const base = await replayBaseAt(db(), p.id, run.id, n);
      expect(base?.count ?? 0).toBe(Math.floor((n + 1) / CHECKPOINT_EVERY) * CHECKPOINT_EVERY);
      const got = fromBase(base, n);
      const want = fromScratch(n);
      expect(got.items).toEqual(want.items);
      expect(got.time).toBeCloseTo(want.time, 6);
    }
    // The chain stores the transcript about once, not once per checkpoint.
    const [first] = await db()
      .select({ state: runTranscriptCheckpoints.state })
      .from(runTranscriptCheckpoints)
      .where(eq(runTranscriptCheckpoints.seq, 2999));
    const whole = JSON.stringify(fromScratch(2999).items).length;
    expect(JSON.stringify(first!.state).length).toBeLessThan(whole / 2);
  });

  it('the state at any N (a checkpoint plus the events after it, folded on the server) is the transcript folded from the start', async () => {
    const p = await makeProject(db());
    const run = await makeRun(db(), p.id);
    await append(db(), p.id, run.id, events);
    expect(await replayStateAt(db(), p.id, run.id, 998)).toBeNull();
    for (const n of [999, 1742, 2999, 3549]) {
      const state = (await replayStateAt(db(), p.id, run.id, n))!;
      expect(state).toMatchObject({ seq: n, count: n + 1 });
      const got = fromBase(state, n);
      const want = fromScratch(n);
      expect(got.items).toEqual(want.items);
      expect(got.time).toBeCloseTo(want.time, 6);
      // The parts a page trimmed from this state are read back from the same state.
      const open = state.transcript.open;
      if (open) {
        const at = { seq: state.seq, key: open.key, from: 0, to: 5 };
        expect(await baseParts(db(), p.id, run.id, at)).toEqual(open.state.parts.slice(0, 5));
      }
    }
  });

  it('an out-of-order append drops the checkpoints at and after it; they are folded again with it', async () => {
    const p = await makeProject(db());
    const run = await makeRun(db(), p.id);
    const late = events.filter((e) => e.seq >= 1500 && e.seq < 1510);
    await append(
      db(),
      p.id,
      run.id,
      events.filter((e) => !late.includes(e)),
    );
    const before = await ensureCheckpoints(db(), p.id, run.id);
    // Without the late events the second checkpoint folds 1,000 events up to seq 2009.
    expect(await checkpointSeqs(db(), run.id)).toEqual([999, 2009, 3009]);
    await appendEvents(db(), p.id, run.id, late as EventInput[]);
    expect(await checkpointSeqs(db(), run.id)).toEqual([999]);
    // A pass that remembers the last checkpoint it wrote notices it is gone and reads the chain.
    expect((await ensureCheckpoints(db(), p.id, run.id, undefined, before.last)).written).toBe(2);
    const base = await replayBaseAt(db(), p.id, run.id, 3500);
    expect(base).toMatchObject({ seq: 2999, count: 3000 });
    expect(fromBase(base, 3500).items).toEqual(fromScratch(3500).items);
    expect(await checkpointSeqs(db(), run.id)).toEqual([999, 1999, 2999]);
    await expectToolCallsAsDelta(db(), run.id);
  });

  it('a pass that remembers a checkpoint another server has folded past goes on from the stored chain', async () => {
    const p = await makeProject(db());
    const run = await makeRun(db(), p.id);
    await append(db(), p.id, run.id, events.slice(0, 2000));
    // This server folded the first 1,000 events and remembers that checkpoint...
    const here = await ensureCheckpoints(db(), p.id, run.id, 999);
    expect(here.last).toMatchObject({ seq: 999 });
    // ...another one folded the next 1,000 (appends of one run reach both servers), then more arrive.
    expect((await ensureCheckpoints(db(), p.id, run.id)).written).toBe(1);
    await append(db(), p.id, run.id, events.slice(2000));
    const pass = await ensureCheckpoints(db(), p.id, run.id, undefined, here.last);
    expect(pass.written).toBe(1);
    expect(pass.last).toMatchObject({ seq: 2999, count: 3000 });
    expect(await checkpointSeqs(db(), run.id)).toEqual([999, 1999, 2999]);
    const base = await replayBaseAt(db(), p.id, run.id, 3500);
    expect(fromBase(base, 3500).items).toEqual(fromScratch(3500).items);
  });

  it('a run with fewer events than a checkpoint has none, and deleting a run deletes its checkpoints', async () => {
    const p = await makeProject(db());
    const short = await makeRun(db(), p.id);
    await append(db(), p.id, short.id, events.slice(0, 900));
    expect(await replayBaseAt(db(), p.id, short.id, 899)).toBeNull();
    const run = await makeRun(db(), p.id);
    await append(db(), p.id, run.id, events.slice(0, 2100));
    await ensureCheckpoints(db(), p.id, run.id);
    expect(await checkpointSeqs(db(), run.id)).toHaveLength(2);
    await db().delete(runs).where(eq(runs.id, run.id));
    expect(await checkpointSeqs(db(), run.id)).toEqual([]);
  });

  it('the parts a trimmed ?seq= base left out, and events by seq range: in the project of the run only', async () => {
    const p = await makeProject(db());
    const other = await makeProject(db());
    const run = await makeRun(db(), p.id);
    await append(db(), p.id, run.id, events);
    const base = (await replayBaseAt(db(), p.id, run.id, 3_100))!;
    const trimmed = trimBase(base, 40);
    const n = trimmed.omittedParts!;
    expect(n).toBeGreaterThan(0);
    const key = base.transcript.open!.key;
    const at = { seq: base.seq, key, from: 0, to: n };
    expect(await baseParts(db(), p.id, run.id, at)).toEqual(
      base.transcript.open!.state.parts.slice(0, Math.min(n, BASE_PARTS_MAX)),
    );
    await expect(baseParts(db(), other.id, run.id, at)).rejects.toMatchObject({ code: 'not_found' });
    await expect(baseParts(db(), p.id, run.id, { ...at, key: 'a-other' })).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(baseParts(db(), p.id, run.id, { ...at, seq: CHECKPOINT_EVERY - 2 })).rejects.toMatchObject({
      code: 'not_found',
    });

    const range = await listEventsBetween(db(), p.id, run.id, { fromSeq: 1_000, toSeq: 1_255 });
    expect(range.map((e) => e.seq)).toEqual(events.slice(1_000, 1_256).map((e) => e.seq));
    expect(range[17]!.payload).toEqual(events[1_017]!.payload);
    expect(await listEventsBetween(db(), p.id, run.id, { fromSeq: 0, toSeq: 3_599, limit: 10 })).toHaveLength(
      10,
    );
    await expect(listEventsBetween(db(), other.id, run.id, { fromSeq: 0, toSeq: 10 })).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('a read starts at the last keyframe at or before N: at most KEYFRAME_EVERY rows, the same transcript', async () => {
    const long = agentRun((KEYFRAME_EVERY + 4) * CHECKPOINT_EVERY);
    const p = await makeProject(db());
    const run = await makeRun(db(), p.id);
    await append(db(), p.id, run.id, long);
    await ensureCheckpoints(db(), p.id, run.id);
    const stored = await db()
      .select({
        eventCount: runTranscriptCheckpoints.eventCount,
        keyframe: runTranscriptCheckpoints.keyframe,
      })
      .from(runTranscriptCheckpoints)
      .where(eq(runTranscriptCheckpoints.runId, run.id))
      .orderBy(runTranscriptCheckpoints.seq);
    expect(stored).toHaveLength(KEYFRAME_EVERY + 4);
    expect(stored.filter((r) => r.keyframe).map((r) => r.eventCount)).toEqual([
      CHECKPOINT_EVERY,
      (KEYFRAME_EVERY + 1) * CHECKPOINT_EVERY,
    ]);
    const keyframeSeq = (KEYFRAME_EVERY + 1) * CHECKPOINT_EVERY - 1;
    for (const n of [keyframeSeq - 1, keyframeSeq, keyframeSeq + 2_500, long.length - 1]) {
      const rows = await chainRows(db(), p.id, run.id, n);
      expect(rows.length).toBeLessThanOrEqual(KEYFRAME_EVERY);
      expect(rows[0]!.keyframe).toBe(true);
      const base = await replayBaseAt(db(), p.id, run.id, n);
      expect(base?.seq).toBe(rows.at(-1)!.seq);
      expect(fromBase(base, n, long).items).toEqual(fromScratch(n, long).items);
      expect(fromBase(base, n, long).time).toBeCloseTo(fromScratch(n, long).time, 6);
    }
    expect(await chainRows(db(), p.id, run.id, long.length - 1)).toHaveLength(4);
    // Nothing before the keyframe is read after it: a hole before it ends only the reads that cross it.
    await db().delete(runTranscriptCheckpoints).where(eq(runTranscriptCheckpoints.seq, 4_999));
    expect(await replayBaseAt(db(), p.id, run.id, long.length - 1)).toMatchObject({ seq: long.length - 1 });
    expect(await replayBaseAt(db(), p.id, run.id, keyframeSeq - 1)).toMatchObject({ seq: 3_999 });
  });

  it('a chain stored before keyframes (deltas only) still decodes, from its start; new rows add keyframes', async () => {
    const long = agentRun((KEYFRAME_EVERY + 2) * CHECKPOINT_EVERY);
    const cut = (KEYFRAME_EVERY - 1) * CHECKPOINT_EVERY;
    const p = await makeProject(db());
    const run = await makeRun(db(), p.id);
    await append(db(), p.id, run.id, long.slice(0, cut));
    // The chain as the code before keyframes stored it: each row a delta from the one before, none full.
    const f = new TranscriptFolder();
    const clock = startClock();
    let prev: ReturnType<TranscriptFolder['state']> | null = null;
    const old: (typeof runTranscriptCheckpoints.$inferInsert)[] = [];
    for (const [i, e] of long.slice(0, cut).entries()) {
      f.apply(e);
      tick(clock, e.ts);
      if ((i + 1) % CHECKPOINT_EVERY) continue;
      const state = f.state();
      const delta = encodeCheckpoint(prev, state, clock);
      old.push({ projectId: run.projectId, runId: run.id, seq: e.seq, eventCount: i + 1, state: delta });
      prev = state;
    }
    await db().insert(runTranscriptCheckpoints).values(old);
    for (const n of [2_500, cut - 2, cut - 1]) {
      const rows = await chainRows(db(), p.id, run.id, n);
      expect(rows.length).toBe(Math.floor((n + 1) / CHECKPOINT_EVERY));
      expect(fromBase(await replayBaseAt(db(), p.id, run.id, n), n, long).items).toEqual(
        fromScratch(n, long).items,
      );
    }
    // The run goes on: the checkpoints folded now continue the old chain, the (KEYFRAME_EVERY + 1)-th whole.
    await append(db(), p.id, run.id, long.slice(cut));
    expect((await ensureCheckpoints(db(), p.id, run.id)).written).toBe(3);
    const n = long.length - 1;
    expect(await chainRows(db(), p.id, run.id, cut + 1_500)).toHaveLength(KEYFRAME_EVERY);
    expect((await chainRows(db(), p.id, run.id, n)).map((r) => r.keyframe)).toEqual([true, false]);
    expect(fromBase(await replayBaseAt(db(), p.id, run.id, n), n, long).items).toEqual(
      fromScratch(n, long).items,
    );
  });
});
