/**
 * The SDK's scores: `score()` and the dataset runner's `scorers`, against the route handlers in this
 * process (real database, the routes' own auth, parsing and errors).
 */
import { eq } from 'drizzle-orm';
import { afterEach, beforeAll, expect, it, vi } from 'vitest';
import * as evaluatorRuns from '@/app/api/v1/evaluators/[id]/runs/route';
import * as evaluatorsRoute from '@/app/api/v1/evaluators/route';
import * as runEvents from '@/app/api/v1/runs/[id]/events/route';
import * as runResults from '@/app/api/v1/runs/[id]/results/route';
import * as runRoute from '@/app/api/v1/runs/[id]/route';
import * as runsRoute from '@/app/api/v1/runs/route';
import * as scoreConfigs from '@/app/api/v1/score-configs/route';
import * as scoresRoute from '@/app/api/v1/scores/route';
import { runResults as resultsTable, scores } from '@/db/schema';
import { defaultWorkerOptions, runEvaluationPass } from '@/server/evaluators';
import {
  Runledger,
  RunledgerError,
  recordUIMessageStream,
  runDataset,
  type ScoreBufferOptions,
} from '@runledger/sdk';
import { bearer, handlerFetch, useApiHandlers } from '../../helpers/api-handler';
import { describeEachDb } from '../../helpers/db';
import { makeProject } from '../../helpers/fixtures';

const routeFetch = handlerFetch([
  ['/api/v1/runs', runsRoute],
  ['/api/v1/runs/:id', runRoute],
  ['/api/v1/runs/:id/results', runResults],
  ['/api/v1/runs/:id/events', runEvents],
  ['/api/v1/scores', scoresRoute],
  ['/api/v1/score-configs', scoreConfigs],
  ['/api/v1/evaluators', evaluatorsRoute],
  ['/api/v1/evaluators/:id/runs', evaluatorRuns],
]);
/** The scores of every `POST /scores` call, in call order (the buffered tests count the calls). */
const scoreCalls: { id: string }[][] = [];
/** Answers in place of the routes while set (a transient outage). */
let outage: number | undefined;
const fetchHandlers = async (input: string, init: RequestInit) => {
  if (init.method === 'POST' && new URL(input).pathname === '/api/v1/scores') {
    if (outage !== undefined) return new Response('{}', { status: outage });
    scoreCalls.push((JSON.parse(String(init.body)) as { scores: { id: string }[] }).scores);
  }
  return routeFetch(input, init);
};
/** The buffer's flush timer on a fake clock; the route handlers and the database stay real. */
const fakeClock = () => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
afterEach(() => {
  vi.useRealTimers();
  outage = undefined;
});

describeEachDb('SDK scores', ({ db, driver }) => {
  let rl: Runledger;
  let apiKey: string;
  beforeAll(async () => {
    useApiHandlers(db, driver);
    const project = await makeProject(db(), 'sdk-scores');
    apiKey = (await bearer(db(), project.id)).slice('Bearer '.length);
    rl = new Runledger({
      baseUrl: 'http://localhost:3000',
      apiKey,
      fetch: fetchHandlers,
      maxRetries: 0,
    });
  });

  /** A client of the same key whose score buffer has the given options. */
  const newClient = (scoreBuffer: ScoreBufferOptions) =>
    new Runledger({
      baseUrl: 'http://localhost:3000',
      apiKey,
      fetch: fetchHandlers,
      maxRetries: 0,
      scoreBuffer,
    });

  it('addScores(): stores one or many at once, retries are duplicates, bad values are refused', async () => {
    const run = await rl.createRun({ name: 'scored by the sdk' });
    const one = await rl.addScores({ runId: run.id, name: 'helpful', value: 0.75, comment: 'fine' });
    expect(one).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(one.ids).toHaveLength(1);

    const many = await rl.addScores([
      { runId: run.id, name: 'correct', value: true },
      { runId: run.id, seq: 0, name: 'helpful', value: 0.5 },
    ]);
    expect(many).toMatchObject({ accepted: 2, duplicates: 0 });
    // The same ids and content again (a retry after a lost answer) store nothing.
    const again = await rl.addScores([
      { id: many.ids[0], runId: run.id, name: 'correct', value: true },
      { id: many.ids[1], runId: run.id, seq: 0, name: 'helpful', value: 0.5 },
    ]);
    expect(again).toMatchObject({ accepted: 0, duplicates: 2 });
    await expect(
      rl.addScores({ id: many.ids[0], runId: run.id, name: 'correct', value: false }),
    ).rejects.toMatchObject({ status: 409, code: 'conflict' });

    await rl.call('putScoreConfig', {
      body: { name: 'tone', type: 'categorical', categories: ['warm', 'cold'] },
    });
    const bad = await rl.addScores({ runId: run.id, name: 'tone', label: 'rude' }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(RunledgerError);
    expect(bad).toMatchObject({ status: 400, code: 'bad_request' });
    await expect(rl.addScores({ runId: crypto.randomUUID(), name: 'x', value: 1 })).rejects.toMatchObject({
      status: 404,
    });

    const listed = [];
    for await (const s of rl.iterateScores({ runId: run.id, limit: 1 })) listed.push(s);
    expect(listed.map((s) => JSON.stringify([s.name, s.seq, s.value, s.source])).sort()).toEqual([
      '["correct",null,true,"api"]',
      '["helpful",0,0.5,"api"]',
      '["helpful",null,0.75,"api"]',
    ]);
  });

  it('score(): a burst is queued and sent in few calls, on size, on the timer and on flush()', async () => {
    const run = await rl.createRun({ name: 'scored in a burst' });
    // A long interval: vi.waitFor moves the fake clock too, by less than this.
    const client = newClient({ flushIntervalMs: 60_000 });
    fakeClock();
    scoreCalls.length = 0;
    const ids: string[] = [];
    // 2,100 scores, one per call: two full batches go at once, the rest waits for the timer.
    for (let i = 0; i < 2100; i++) {
      ids.push(...(await client.score({ runId: run.id, name: `s${i % 7}`, seq: i, value: i })).ids);
    }
    await vi.waitFor(() => expect(scoreCalls.map((c) => c.length)).toEqual([1000, 1000]));
    await vi.waitFor(() => expect(client.scores.pending).toBe(100));
    await vi.advanceTimersByTimeAsync(60_000);
    await vi.waitFor(() => expect(scoreCalls.map((c) => c.length)).toEqual([1000, 1000, 100]));
    await vi.waitFor(() => expect(client.scores.pending).toBe(0));
    expect(scoreCalls.flat().map((s) => s.id)).toEqual(ids);

    // A partial batch waits flushIntervalMs from its first score, and no longer.
    await client.score([
      { runId: run.id, name: 'late', value: 1 },
      { runId: run.id, name: 'later', value: 2 },
    ]);
    await vi.advanceTimersByTimeAsync(59_999);
    expect(scoreCalls).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(1);
    await vi.waitFor(() => expect(scoreCalls.map((c) => c.length)).toEqual([1000, 1000, 100, 2]));

    // flush() sends what is queued at once, without waiting for the timer.
    await client.score({ runId: run.id, name: 'flushed', value: 3 });
    await client.flush();
    expect(scoreCalls.map((c) => c.length)).toEqual([1000, 1000, 100, 2, 1]);
    expect(await db().select().from(scores).where(eq(scores.runId, run.id))).toHaveLength(2103);

    // close() flushes; score() refuses afterwards.
    await client.score({ runId: run.id, name: 'last', value: 3 });
    await client.close();
    expect(scoreCalls).toHaveLength(6);
    await expect(client.score({ runId: run.id, name: 'after', value: 1 })).rejects.toThrow('after close()');
  });

  it('score(): a failed send stays queued and is retried as duplicates; refusals surface on flush()', async () => {
    const run = await rl.createRun({ name: 'scored through an outage' });
    const errors: unknown[] = [];
    const client = newClient({ flushIntervalMs: 100, onError: (e) => errors.push(e) });
    fakeClock();
    scoreCalls.length = 0;
    const { ids } = await client.score([
      { runId: run.id, name: 'a', value: 1 },
      { runId: run.id, name: 'b', value: 2 },
    ]);
    // Already stored before the outage: sent again later, it is a duplicate, not a 409.
    await client.addScores({ id: ids[0], runId: run.id, name: 'a', value: 1 });
    outage = 503;
    await vi.advanceTimersByTimeAsync(100);
    await vi.waitFor(() => expect(errors).toHaveLength(1));
    expect(errors[0]).toMatchObject({ status: 503 });
    expect(client.scores.pending).toBe(2);
    outage = undefined;
    // The next try backs off (twice the interval), then stores both.
    await vi.advanceTimersByTimeAsync(200);
    await vi.waitFor(() => expect(client.scores.pending).toBe(0));
    expect(scoreCalls.map((c) => c.map((s) => s.id))).toEqual([[ids[0]], ids]);
    expect(
      (await db().select().from(scores).where(eq(scores.runId, run.id))).map((s) => s.id).sort(),
    ).toEqual([...ids].sort());

    // One bad score in a batch: only it is refused (the batch is split to find it), the rest stored.
    await client.call('putScoreConfig', {
      body: { name: 'mood', type: 'categorical', categories: ['calm', 'tense'] },
    });
    const bad = await client.score([
      { runId: run.id, name: 'c', value: 3 },
      { runId: run.id, name: 'mood', label: 'furious' },
      { id: ids[1], runId: run.id, name: 'b', value: 99 },
      { runId: run.id, name: 'd', value: 4 },
    ]);
    await expect(client.flush()).rejects.toMatchObject({ status: 400, code: 'bad_request' });
    expect(client.scores.rejected.map((s) => s.id)).toEqual([bad.ids[1], ids[1]]);
    // (A retry during the outage may have added a 503 before them.)
    const refusals = errors.flatMap((e) => (e instanceof RunledgerError && e.status < 500 ? [e.status] : []));
    expect(refusals).toEqual([400, 409]);
    const names = (await db().select().from(scores).where(eq(scores.runId, run.id))).map((s) => s.name);
    expect(names.sort()).toEqual(['a', 'b', 'c', 'd']);
    // Thrown once: the next flush has nothing to report.
    await client.flush();
  });

  it('runDataset(): scorers score each item’s result, stored on the run by result', async () => {
    const items = Array.from({ length: 7 }, (_, i) => ({
      id: `q${i}`,
      input: { n: i },
      expectedOutput: { double: i * 2 },
    }));
    const summary = await runDataset(rl, {
      dataset: { id: 'doubling', version: 1, items },
      concurrency: 3,
      resultBatchSize: 3,
      retries: 0,
      // Item 5 throws (not scored); item 3 answers wrong.
      target: (input: { n: number }) => {
        if (input.n === 5) throw new Error('boom');
        return { double: input.n === 3 ? 7 : input.n * 2 };
      },
      scorers: {
        exact: ({ output, expectedOutput }) => JSON.stringify(output) === JSON.stringify(expectedOutput),
        closeness: ({ output, expectedOutput }) => ({
          value: 1 / (1 + Math.abs((output as { double: number }).double - expectedOutput!.double)),
          comment: 'inverse distance',
        }),
        // Scores only the even items; throws on item 6.
        even: ({ input }) => {
          if (input.n === 6) throw new Error('scorer failed');
          return input.n % 2 === 0 ? 1 : undefined;
        },
      },
    });
    expect(summary).toMatchObject({ status: 'succeeded', succeeded: 6, failed: 1, scorerErrors: 1 });
    expect(summary.scores).toEqual({
      exact: { count: 6, mean: 5 / 6 },
      closeness: { count: 6, mean: (5 + 0.5) / 6 },
      even: { count: 3, mean: 1 },
    });

    const stored = await db().select().from(scores).where(eq(scores.runId, summary.runId));
    const results = await db().select().from(resultsTable).where(eq(resultsTable.runId, summary.runId));
    const itemOf = new Map(results.map((r) => [r.id, r.itemId]));
    expect(stored).toHaveLength(15);
    const exact = stored.filter((s) => s.name === 'exact');
    expect(Object.fromEntries(exact.map((s) => [itemOf.get(s.resultId!), s.value]))).toEqual({
      q0: 1,
      q1: 1,
      q2: 1,
      q3: 0,
      q4: 1,
      q6: 1,
    });
    expect(stored.find((s) => s.name === 'closeness' && itemOf.get(s.resultId!) === 'q3')).toMatchObject({
      value: 0.5,
      comment: 'inverse distance',
      dataType: 'numeric',
      source: 'api',
    });
    expect(
      stored
        .filter((s) => s.name === 'even')
        .map((s) => itemOf.get(s.resultId!))
        .sort(),
    ).toEqual(['q0', 'q2', 'q4']);
  });

  it('runDataset(): a scorer named by an evaluator queues it on the run; the server scores each result', async () => {
    await rl.call('createEvaluator', {
      body: { name: 'quick', config: { type: 'latency_under', ms: 60_000 } },
    });
    const items = Array.from({ length: 3 }, (_, i) => ({ id: `e${i}`, input: { n: i } }));
    const options = {
      dataset: { id: 'evaluated', items },
      retries: 0,
      target: (input: { n: number }) => input.n * 2,
      scorers: { quick: 'quick', even: ({ output }: { output: unknown }) => Number(output) % 4 === 0 },
    };
    // An evaluator this project does not have: refused before any run is made.
    const before = (await rl.listRuns({ kind: 'dataset' })).data.length;
    await expect(runDataset(rl, { ...options, scorers: { judge: 'no-such-judge' } })).rejects.toThrow(
      'No evaluator named no-such-judge',
    );
    expect((await rl.listRuns({ kind: 'dataset' })).data).toHaveLength(before);

    const summary = await runDataset(rl, options);
    expect(summary).toMatchObject({ status: 'succeeded', succeeded: 3 });
    expect(summary.evaluators).toEqual({ quick: { evaluatorId: expect.any(String), queued: 3 } });
    expect(summary.scores).toEqual({ even: { count: 3, mean: 2 / 3 } });
    // The server's evaluator job scores every result once, under the evaluator's name.
    await runEvaluationPass(db(), { ...defaultWorkerOptions, workerId: 'sdk-test', now: () => new Date() });
    const stored = await db().select().from(scores).where(eq(scores.runId, summary.runId));
    const quick = stored.filter((s) => s.name === 'quick');
    expect(quick).toHaveLength(3);
    expect(quick.every((s) => s.source === 'evaluator' && s.resultId !== null && s.value === 1)).toBe(true);
  });

  it('a recording scores the run it records, called before the run exists', async () => {
    const stream = new ReadableStream({
      start(controller) {
        for (const chunk of [
          { type: 'start' },
          { type: 'text-start', id: 't' },
          { type: 'text-delta', id: 't', delta: 'Paris.' },
          { type: 'text-end', id: 't' },
          { type: 'finish' },
        ] as const)
          controller.enqueue(chunk);
        controller.close();
      },
    });
    const recording = recordUIMessageStream(rl, { run: { name: 'recorded and scored' } }, stream);
    const scored = recording.score([
      { name: 'helpful', value: 0.9, comment: 'to the point' },
      { seq: 2, name: 'grounded', value: true },
    ]);
    for await (const _ of recording.stream as unknown as AsyncIterable<unknown>);
    expect((await recording.done).status).toBe('succeeded');
    expect(await scored).toMatchObject({ accepted: 2, duplicates: 0 });
    const stored = await db().select().from(scores).where(eq(scores.runId, recording.runId));
    expect(stored.map((s) => [s.name, s.seq, s.value, s.comment]).sort()).toEqual([
      ['grounded', 2, 1, null],
      ['helpful', null, 0.9, 'to the point'],
    ]);
  });
});
