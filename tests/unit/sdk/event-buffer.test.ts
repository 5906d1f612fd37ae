import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RunledgerError } from '@runledger/sdk';
import { error, FakeServer, sleep } from './fake-server';

let server: FakeServer;
beforeEach(async () => {
  server = await new FakeServer().start();
});
afterEach(() => {
  vi.useRealTimers();
  return server.stop();
});

/** The buffer's flush timer on a fake clock; HTTP to the fake server stays real. */
const fakeClock = () => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });

const batches = () =>
  server
    .requestsTo('POST', /\/events$/)
    .map((r) => (r.body as { events: { seq: number }[] }).events.map((e) => e.seq));

async function newRun(options: Parameters<FakeServer['client']>[0] = {}) {
  const client = server.client(options);
  const run = await client.createRun({ name: 'buffered' });
  return { client, runId: run.id };
}

describe('EventBuffer', () => {
  it('numbers seqs from 0 in push order and sends a full batch at once', async () => {
    const { client, runId } = await newRun();
    fakeClock();
    const buffer = client.events(runId, { maxBatch: 3, flushIntervalMs: 60_000 });
    const seqs = Array.from({ length: 7 }, (_, i) => buffer.push('tick', { i }));
    expect(seqs).toEqual([0, 1, 2, 3, 4, 5, 6]);
    await vi.waitFor(() => expect(server.storedEvents(runId)).toHaveLength(6));
    // Short of the flush interval the last event stays buffered (a request answered after this one
    // would have been sent after it).
    await vi.advanceTimersByTimeAsync(50_000);
    await client.getRun(runId);
    expect(batches()).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    await buffer.close();
    expect(batches()).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(server.storedEvents(runId).map((e) => [e.seq, e.payload])).toEqual(seqs.map((s) => [s, { i: s }]));
  });

  it('sends a partial batch after flushIntervalMs', async () => {
    const { client, runId } = await newRun();
    fakeClock();
    const buffer = client.events(runId, { flushIntervalMs: 200 });
    buffer.push('a');
    buffer.push('b', { x: 1 });
    await vi.advanceTimersByTimeAsync(199);
    await client.getRun(runId);
    expect(batches()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await vi.waitFor(() => expect(batches()).toEqual([[0, 1]]));
    const [req] = server.requestsTo('POST', /\/events$/);
    expect((req!.body as { events: unknown[] }).events).toEqual([
      { seq: 0, type: 'a', ts: expect.any(String), payload: {} },
      { seq: 1, type: 'b', ts: expect.any(String), payload: { x: 1 } },
    ]);
    await buffer.close();
    expect(batches()).toHaveLength(1);
  });

  it('starts at startSeq and keeps the ts given to push', async () => {
    const { client, runId } = await newRun();
    const buffer = client.events(runId, { startSeq: 10 });
    expect(buffer.push('x', {}, '2026-11-23T06:00:00.000Z')).toBe(10);
    expect(buffer.push('y')).toBe(11);
    expect(buffer.nextSeq).toBe(12);
    await buffer.close();
    expect(server.storedEvents(runId).map((e) => [e.seq, e.type])).toEqual([
      [10, 'x'],
      [11, 'y'],
    ]);
    expect(server.storedEvents(runId)[0]!.ts).toBe('2026-11-23T06:00:00.000Z');
  });

  it('retries after a 503 whose request was stored anyway: nothing lost, nothing duplicated', async () => {
    const { client, runId } = await newRun();
    let posts = 0;
    server.intercept = (req) => {
      if (!req.path.endsWith('/events') || req.method !== 'POST') return undefined;
      posts++;
      if (posts === 1) {
        // The server stored the batch but the answer got lost behind a 503.
        for (const e of (req.body as { events: { seq: number; type: string; payload: unknown }[] }).events) {
          const stored = server.events.get(runId) ?? new Map();
          stored.set(e.seq, { ...e, ts: 'x' });
          server.events.set(runId, stored);
        }
        return error(503, 'internal', 'busy');
      }
      if (posts === 2) return error(503, 'internal', 'busy');
      return undefined;
    };
    const buffer = client.events(runId, { maxBatch: 4, flushIntervalMs: 10 });
    for (let i = 0; i < 10; i++) buffer.push('tick', { i });
    await buffer.close();
    const stored = server.storedEvents(runId);
    expect(stored.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(stored.map((e) => (e.payload as { i: number }).i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // The first batch was sent three times (stored + 503, 503, then duplicates), the rest once.
    expect(batches()[0]).toEqual([0, 1, 2, 3]);
    expect(batches()[1]).toEqual([0, 1, 2, 3]);
    expect(batches()[2]).toEqual([0, 1, 2, 3]);
    expect(buffer.pending).toBe(0);
  });

  it('keeps events queued when every retry fails and sends them on a later flush', async () => {
    const { client, runId } = await newRun({ maxRetries: 1 });
    let down = true;
    server.intercept = (req) =>
      down && req.path.endsWith('/events') ? error(503, 'internal', 'down') : undefined;
    const errors: unknown[] = [];
    const buffer = client.events(runId, { flushIntervalMs: 60_000, onError: (e) => errors.push(e) });
    buffer.push('a');
    buffer.push('b');
    await expect(buffer.flush()).rejects.toMatchObject({ status: 503 });
    expect(buffer.pending).toBe(2);
    down = false;
    await buffer.close();
    expect(buffer.pending).toBe(0);
    expect(server.storedEvents(runId).map((e) => e.type)).toEqual(['a', 'b']);
  });

  it('does not retry a 400: flush rejects and the refused events are kept in `rejected`', async () => {
    const { client, runId } = await newRun();
    server.intercept = (req) =>
      req.path.endsWith('/events')
        ? error(400, 'bad_request', 'Invalid body', [{ path: ['events'] }])
        : undefined;
    const buffer = client.events(runId, { flushIntervalMs: 60_000 });
    buffer.push('a');
    buffer.push('b');
    const err = await buffer.close().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunledgerError);
    expect(err).toMatchObject({ status: 400, code: 'bad_request' });
    expect(batches()).toEqual([[0, 1]]);
    expect(buffer.rejected.map((e) => e.seq)).toEqual([0, 1]);
    expect(buffer.pending).toBe(0);
  });

  it('on a 409 refuses only the clashing seqs and stores the rest of the batch', async () => {
    const { client, runId } = await newRun();
    await client.appendEvents(runId, [{ seq: 1, type: 'other', payload: {} }]);
    const buffer = client.events(runId, { flushIntervalMs: 60_000 });
    buffer.push('a');
    buffer.push('b');
    buffer.push('c');
    await expect(buffer.flush()).rejects.toMatchObject({
      status: 409,
      code: 'conflict',
      details: { seqs: [1] },
    });
    expect(buffer.rejected.map((e) => [e.seq, e.type])).toEqual([[1, 'b']]);
    expect(server.storedEvents(runId).map((e) => [e.seq, e.type])).toEqual([
      [0, 'a'],
      [1, 'other'],
      [2, 'c'],
    ]);
    await expect(buffer.close()).resolves.toBeUndefined();
  });

  it('close() flushes, stops the timer and refuses later pushes', async () => {
    const { client, runId } = await newRun();
    const buffer = client.events(runId, { flushIntervalMs: 60_000 });
    buffer.push('a');
    const timer = (buffer as unknown as { timer: NodeJS.Timeout | null }).timer;
    expect(timer?.hasRef()).toBe(false);
    await buffer.close();
    expect((buffer as unknown as { timer: unknown }).timer).toBeNull();
    expect(server.storedEvents(runId)).toHaveLength(1);
    expect(() => buffer.push('late')).toThrow(/after close/);
  });

  it('sends one batch at a time, in seq order, even when pushes outpace a slow server', async () => {
    const { client, runId } = await newRun();
    let inFlight = 0;
    let maxInFlight = 0;
    server.intercept = async (req) => {
      if (!req.path.endsWith('/events')) return undefined;
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await sleep(30);
      inFlight--;
      return undefined;
    };
    const buffer = client.events(runId, { maxBatch: 5, flushIntervalMs: 5 });
    for (let i = 0; i < 23; i++) {
      buffer.push('tick');
      if (i % 4 === 0) await sleep(7);
    }
    await buffer.close();
    expect(maxInFlight).toBe(1);
    expect(batches().flat()).toEqual(Array.from({ length: 23 }, (_, i) => i));
    expect(server.storedEvents(runId)).toHaveLength(23);
  });
});
