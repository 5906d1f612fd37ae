import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { runs, runTranscriptCheckpoints } from '@/db/schema';
import { startClock, tick, TranscriptFolder, type ReplayBase } from '@/lib/replay/transcript';
import type { EventInput } from '@/lib/contract';
import { appendEvents } from '@/server/events';
import { trimBase } from '@/lib/replay/trim';
import {
  BASE_PARTS_MAX,
  baseParts,
  CHECKPOINT_EVERY,
  ensureCheckpoints,
  listEventsBetween,
  replayBaseAt,
} from '@/server/replay';
import { agentRun, type AgentRunEvent } from '../../scripts/lib/agent-run';
import { describeEachDb } from '../helpers/db';
import { makeProject, makeRun } from '../helpers/fixtures';

const events = agentRun(3_600);

/** The transcript and replay time at `seq` folded from the first event. */
function fromScratch(upto: number) {
  const f = new TranscriptFolder();
  const clock = startClock();
  for (const e of events) {
    if (e.seq > upto) break;
    f.apply(e);
    tick(clock, e.ts);
  }
  f.flush();
  return { items: f.items, time: clock.total };
}

/** The same from a server checkpoint plus the events after it, as the browser does at `?seq=N`. */
function fromBase(base: ReplayBase | null, upto: number) {
  const f = TranscriptFolder.from(base?.transcript ?? null);
  const clock = base ? { ...base.clock } : startClock();
  for (const e of events) {
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
    expect((await ensureCheckpoints(db(), run.id)).written).toBe(3);
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
    const before = await ensureCheckpoints(db(), run.id);
    // Without the late events the second checkpoint folds 1,000 events up to seq 2009.
    expect(await checkpointSeqs(db(), run.id)).toEqual([999, 2009, 3009]);
    await appendEvents(db(), p.id, run.id, late as EventInput[]);
    expect(await checkpointSeqs(db(), run.id)).toEqual([999]);
    // A pass that remembers the last checkpoint it wrote notices it is gone and reads the chain.
    expect((await ensureCheckpoints(db(), run.id, undefined, before.last)).written).toBe(2);
    const base = await replayBaseAt(db(), p.id, run.id, 3500);
    expect(base).toMatchObject({ seq: 2999, count: 3000 });
    expect(fromBase(base, 3500).items).toEqual(fromScratch(3500).items);
    expect(await checkpointSeqs(db(), run.id)).toEqual([999, 1999, 2999]);
    await expectToolCallsAsDelta(db(), run.id);
  });

  it('a run with fewer events than a checkpoint has none, and deleting a run deletes its checkpoints', async () => {
    const p = await makeProject(db());
    const short = await makeRun(db(), p.id);
    await append(db(), p.id, short.id, events.slice(0, 900));
    expect(await replayBaseAt(db(), p.id, short.id, 899)).toBeNull();
    const run = await makeRun(db(), p.id);
    await append(db(), p.id, run.id, events.slice(0, 2100));
    await ensureCheckpoints(db(), run.id);
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
    await expect(baseParts(db(), p.id, run.id, { ...at, seq: base.seq - 1 })).rejects.toMatchObject({
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
});
