import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDataset } from '@runledger/sdk';
import { error, FakeServer, sleep } from './fake-server';

let server: FakeServer;
beforeEach(async () => {
  server = await new FakeServer().start();
});
afterEach(() => server.stop());

const items = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    id: `item-${i}`,
    input: { n: i },
    expectedOutput: { double: i * 2 },
    version: 3,
  }));

type Result = Record<string, unknown> & { itemId: string; retryCount: number };
const storedResults = (runId: string) =>
  [...(server.results.get(runId)?.values() ?? [])].sort((a, b) =>
    String(a.itemId).localeCompare(String(b.itemId), 'en', { numeric: true }),
  ) as Result[];

describe('runDataset', () => {
  it('creates a dataset run, never exceeds the concurrency and stores every result in batches', async () => {
    const client = server.client();
    let inFlight = 0;
    let maxInFlight = 0;
    let started = 0;
    // Each item is held until three are in flight (or the last has started): without the promised
    // concurrency the run never ends.
    const held: (() => void)[] = [];
    const summary = await runDataset(client, {
      dataset: { id: 'arith', version: 2, items: items(10) },
      targetType: 'agent',
      targetId: 'doubler',
      concurrency: 3,
      resultBatchSize: 4,
      target: async (input: { n: number }) => {
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        started++;
        if (inFlight === 3 || started === 10) for (const release of held.splice(0)) release();
        else await new Promise<void>((resolve) => held.push(resolve));
        inFlight--;
        return { double: input.n * 2 };
      },
    });
    expect(maxInFlight).toBe(3);
    expect(summary).toMatchObject({ status: 'succeeded', succeeded: 10, failed: 0, executed: 10 });
    expect(summary.durationMs).toBeGreaterThan(0);

    const [create] = server.requestsTo('POST', /^\/api\/v1\/runs$/);
    expect(create!.body).toMatchObject({
      kind: 'dataset',
      status: 'running',
      name: 'arith v2 → doubler',
      datasetId: 'arith',
      datasetVersion: 2,
      targetType: 'agent',
      targetId: 'doubler',
      totalItems: 10,
    });
    const sizes = server
      .requestsTo('POST', /\/results$/)
      .map((r) => (r.body as { results: unknown[] }).results.length);
    expect(sizes).toEqual([4, 4, 2]);
    const results = storedResults(summary.runId);
    expect(results).toHaveLength(10);
    expect(results[3]).toMatchObject({
      itemId: 'item-3',
      itemVersion: 3,
      input: { n: 3 },
      output: { double: 6 },
      groundTruth: { double: 6 },
      retryCount: 0,
    });
    // The latency is the item's own time (a monotonic clock), within its start and completion stamps.
    const { startedAt, completedAt, latencyMs } = results[3]!;
    const stamped = Date.parse(String(completedAt)) - Date.parse(String(startedAt));
    expect(stamped).toBeGreaterThanOrEqual(0);
    expect(latencyMs).toBeGreaterThanOrEqual(0);
    expect(latencyMs).toBeLessThanOrEqual(stamped + 1);
    expect(results[3]).not.toHaveProperty('error');
    expect(server.runs.get(summary.runId)).toMatchObject({
      status: 'succeeded',
      output: { succeeded: 10, failed: 0, executed: 10 },
    });
  });

  it('retries a failing item, records retryCount, and records the error when every attempt fails', async () => {
    const client = server.client();
    const attempts = new Map<string, number>();
    const summary = await runDataset(client, {
      name: 'flaky',
      dataset: { id: 'ds', items: items(4) },
      retries: 2,
      retryDelayMs: 1,
      target: async (input: { n: number }, item) => {
        const attempt = (attempts.get(item.id) ?? 0) + 1;
        attempts.set(item.id, attempt);
        if (input.n === 1 && attempt < 3) throw new Error('transient');
        if (input.n === 2) throw new RangeError(`always broken (attempt ${attempt})`);
        return input.n;
      },
    });
    expect(attempts.get('item-0')).toBe(1);
    expect(attempts.get('item-1')).toBe(3);
    expect(attempts.get('item-2')).toBe(3);
    expect(summary).toMatchObject({ status: 'succeeded', succeeded: 3, failed: 1 });
    const results = storedResults(summary.runId);
    expect(results.map((r) => r.retryCount)).toEqual([0, 2, 2, 0]);
    expect(results[1]).toMatchObject({ output: 1 });
    expect(results[1]).not.toHaveProperty('error');
    expect(results[2]).toMatchObject({ error: { name: 'RangeError', message: 'always broken (attempt 3)' } });
    expect(results[2]).not.toHaveProperty('output');
    // Item failures are counted, they do not fail the run.
    expect(server.runs.get(summary.runId)).toMatchObject({ status: 'succeeded' });
  });

  it('ends the run failed, and stops starting items, when results cannot be stored', async () => {
    server.intercept = (req) =>
      req.path.endsWith('/results') ? error(400, 'bad_request', 'Invalid result') : undefined;
    const client = server.client();
    let started = 0;
    const summary = await runDataset(client, {
      dataset: { id: 'ds', items: items(20) },
      concurrency: 2,
      resultBatchSize: 2,
      target: async (input: { n: number }) => {
        started++;
        await sleep(5);
        return input.n;
      },
    });
    expect(summary).toMatchObject({
      status: 'failed',
      error: { name: 'RunledgerError', message: 'Invalid result' },
    });
    expect(started).toBeLessThan(20);
    expect(server.runs.get(summary.runId)).toMatchObject({
      status: 'failed',
      error: { message: 'Invalid result' },
    });
  });

  it('stops on abort and ends the run cancelled', async () => {
    const client = server.client();
    const controller = new AbortController();
    const summary = await runDataset(client, {
      dataset: { id: 'ds', items: items(10) },
      concurrency: 1,
      signal: controller.signal,
      target: async (input: { n: number }) => {
        if (input.n === 2) controller.abort();
        return input.n;
      },
    });
    expect(summary).toMatchObject({ status: 'cancelled', executed: 3 });
    expect(storedResults(summary.runId)).toHaveLength(3);
    expect(server.runs.get(summary.runId)).toMatchObject({ status: 'cancelled' });
  });
});
