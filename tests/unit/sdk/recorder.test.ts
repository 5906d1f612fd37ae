import { streamText, type UIMessageChunk } from 'ai';
import { convertArrayToReadableStream, MockLanguageModelV4 } from 'ai/test';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventsToUIMessages, type EventDto, recordStreamText, recordUIMessageStream } from '@runledger/sdk';
import { lastMessage, weatherChat } from '../../helpers/ai-mocks';
import { FakeServer, sleep } from './fake-server';

let server: FakeServer;
beforeEach(async () => {
  server = await new FakeServer().start();
});
afterEach(() => server.stop());

async function collect<T>(stream: ReadableStream<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of stream as unknown as AsyncIterable<T>) items.push(item);
  return items;
}

const chunksOf = (items: UIMessageChunk[], delayMs = 0) =>
  new ReadableStream<UIMessageChunk>({
    async start(controller) {
      for (const item of items) {
        if (delayMs) await sleep(delayMs);
        controller.enqueue(item);
      }
      controller.close();
    },
  });

const textAnswer: UIMessageChunk[] = [
  { type: 'start' },
  { type: 'start-step' },
  { type: 'text-start', id: 't' },
  { type: 'text-delta', id: 't', delta: 'Hello' },
  { type: 'text-delta', id: 't', delta: ' world' },
  { type: 'text-end', id: 't' },
  { type: 'finish-step' },
  { type: 'finish', finishReason: 'stop' },
];

describe('recordStreamText', () => {
  it('stores events from which readUIMessageStream rebuilds exactly the live messages, plus usage', async () => {
    const client = server.client();
    const recording = recordStreamText(
      client,
      { userText: 'What is the weather in Paris?', run: { userId: 'user-1', threadId: 'thread-1' } },
      weatherChat(),
    );
    const live = await lastMessage(recording.stream);
    const outcome = await recording.done;

    expect(live?.parts.map((p) => p.type)).toEqual(['step-start', 'tool-getWeather', 'step-start', 'text']);
    expect(outcome).toMatchObject({ runId: recording.runId, status: 'succeeded' });

    const events: EventDto[] = [];
    for await (const e of client.iterateEvents(recording.runId)) events.push(e);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
    expect(events[0]).toMatchObject({
      type: 'user-message',
      payload: { text: 'What is the weather in Paris?' },
    });
    expect(events.map((e) => e.type)).toContain('tool-input-available');
    expect(events.at(-2)).toMatchObject({
      type: 'usage',
      payload: { inputTokens: 30, outputTokens: 12, model: 'mock-weather-1' },
    });
    expect(events.at(-1)).toMatchObject({ type: 'status', payload: { status: 'succeeded' } });

    const rebuilt = await eventsToUIMessages(events);
    expect(rebuilt).toHaveLength(2);
    expect(rebuilt[0]).toMatchObject({
      role: 'user',
      parts: [{ type: 'text', text: 'What is the weather in Paris?' }],
    });
    expect(rebuilt[1]).toEqual(live);

    const run = server.runs.get(recording.runId)!;
    expect(run).toMatchObject({
      kind: 'chat',
      name: 'What is the weather in Paris?',
      userId: 'user-1',
      threadId: 'thread-1',
      input: { text: 'What is the weather in Paris?' },
      status: 'succeeded',
      output: { text: 'It is 21 °C and sunny in Paris.' },
      inputTokens: 30,
      outputTokens: 12,
      model: 'mock-weather-1',
    });
    expect(server.requestsTo('POST', /\/usage$/)).toHaveLength(0);
  });

  it('records the tokens in the usage ledger with recordQuotaUsage, keyed by run', async () => {
    server.intercept = (req) =>
      req.path === '/api/v1/usage' ? { status: 200, body: { allowed: true, windows: [] } } : undefined;
    const client = server.client();
    const recording = recordStreamText(
      client,
      { run: { userId: 'user-7' }, recordQuotaUsage: true },
      weatherChat(),
    );
    await collect(recording.stream);
    await recording.done;
    const [usageReq] = server.requestsTo('POST', /\/usage$/);
    expect(usageReq!.body).toEqual({
      subject: 'user-7',
      metric: 'tokens',
      amount: 42,
      runId: recording.runId,
      model: 'mock-weather-1',
      idempotencyKey: `run:${recording.runId}:tokens`,
    });
  });

  it('ends the run failed with the real provider error while the user sees the masked text', async () => {
    const client = server.client();
    const model = new MockLanguageModelV4({
      doStream: async () => {
        throw new Error('provider down: 503 from upstream');
      },
    });
    const recording = recordStreamText(
      client,
      {},
      streamText({ model, prompt: 'x', maxRetries: 0, onError: () => {} }),
    );
    const chunks = await collect(recording.stream);
    expect(chunks).toContainEqual({ type: 'error', errorText: 'An error occurred.' });
    await expect(recording.done).resolves.toMatchObject({ status: 'failed' });
    expect(server.runs.get(recording.runId)).toMatchObject({
      status: 'failed',
      error: { name: 'Error', message: 'provider down: 503 from upstream' },
    });
  });

  it('keeps the run failed when an error chunk is followed by finish, and uses the caller onError text', async () => {
    const client = server.client();
    const model = new MockLanguageModelV4({
      doStream: {
        stream: convertArrayToReadableStream([
          { type: 'text-start', id: 't' },
          { type: 'text-delta', id: 't', delta: 'Half an ans' },
          { type: 'error', error: new Error('connection reset mid-stream') },
        ]),
      },
    });
    const recording = recordStreamText(
      client,
      {},
      streamText({ model, prompt: 'x', maxRetries: 0, onError: () => {} }),
      { onError: () => 'Sorry, something went wrong.' },
    );
    const chunks = await collect(recording.stream);
    expect(chunks.map((c) => c.type)).toEqual(expect.arrayContaining(['error', 'finish']));
    expect(chunks).toContainEqual({ type: 'error', errorText: 'Sorry, something went wrong.' });
    await expect(recording.done).resolves.toMatchObject({ status: 'failed' });
    expect(server.runs.get(recording.runId)).toMatchObject({
      status: 'failed',
      error: { message: 'connection reset mid-stream' },
      output: { text: 'Half an ans' },
    });
  });
});

describe('recordUIMessageStream', () => {
  it('does not delay the user side while the recording server is slow', async () => {
    // The server answers nothing until the gate opens: the user side must finish regardless.
    let open = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    server.intercept = async () => {
      await gate;
      return undefined;
    };
    const client = server.client();
    const recording = recordUIMessageStream(client, { userText: 'hi' }, chunksOf(textAnswer, 5));
    const received = await collect(recording.stream);
    expect(received).toEqual(textAnswer);
    // The recording is still on its way: not even the run is created yet.
    expect(server.runs.has(recording.runId)).toBe(false);
    const openedAt = Date.now();
    open();

    await recording.done;
    expect(server.storedEvents(recording.runId).map((e) => e.type)).toEqual([
      'user-message',
      ...textAnswer.map((c) => c.type),
      'status',
    ]);
    // Chunks keep the time they arrived, not the time the slow server let them be sent.
    const ts = server.storedEvents(recording.runId).map((e) => Date.parse(e.ts));
    expect(ts.slice(0, -1)).toEqual([...ts.slice(0, -1)].sort((x, y) => x - y));
    expect(ts.at(-2)!).toBeLessThanOrEqual(openedAt);
    expect(server.runs.get(recording.runId)).toMatchObject({
      status: 'succeeded',
      output: { text: 'Hello world' },
    });
  });

  it('ends the run failed with the error of an error chunk', async () => {
    const client = server.client();
    const chunks: UIMessageChunk[] = [
      { type: 'start' },
      { type: 'text-start', id: 't' },
      { type: 'text-delta', id: 't', delta: 'Hal' },
      { type: 'error', errorText: 'Rate limited by the provider' },
    ];
    const recording = recordUIMessageStream(client, {}, chunksOf(chunks));
    await collect(recording.stream);
    await expect(recording.done).resolves.toMatchObject({ status: 'failed' });
    expect(server.runs.get(recording.runId)).toMatchObject({
      status: 'failed',
      error: { name: 'StreamError', message: 'Rate limited by the provider' },
    });
  });

  it('ends the run failed when the stream throws, and the user side sees the same error', async () => {
    const client = server.client();
    const source = new ReadableStream<UIMessageChunk>({
      async pull(controller) {
        controller.enqueue({ type: 'start' });
        await sleep(5);
        controller.error(new TypeError('socket hang up'));
      },
    });
    const recording = recordUIMessageStream(client, { run: { name: 'broken' } }, source);
    await expect(collect(recording.stream)).rejects.toThrow('socket hang up');
    await recording.done;
    expect(server.runs.get(recording.runId)).toMatchObject({
      name: 'broken',
      status: 'failed',
      error: { name: 'TypeError', message: 'socket hang up' },
    });
  });

  it('ends the run cancelled on an abort chunk', async () => {
    const client = server.client();
    const recording = recordUIMessageStream(
      client,
      {},
      chunksOf([{ type: 'start' }, { type: 'abort', reason: 'user stopped' }]),
    );
    await collect(recording.stream);
    await expect(recording.done).resolves.toMatchObject({ status: 'cancelled' });
  });

  it('continues an existing run after its lastSeq', async () => {
    const client = server.client();
    const run = await client.createRun({ name: 'existing', status: 'running' });
    await client.appendEvents(run.id, [{ seq: 0, type: 'user-message', payload: { text: 'hi' } }]);
    server.runs.get(run.id)!.lastSeq = 0;
    const recording = recordUIMessageStream(client, { runId: run.id }, chunksOf(textAnswer));
    expect(recording.runId).toBe(run.id);
    await collect(recording.stream);
    await recording.done;
    const stored = server.storedEvents(run.id);
    expect(stored.map((e) => e.seq)).toEqual(stored.map((_, i) => i));
    expect(stored[1]!.type).toBe('start');
  });

  it('keeps the user stream intact when the recording server is down', async () => {
    const url = server.url;
    await server.stop();
    const errors: unknown[] = [];
    const client = new (await import('@runledger/sdk')).Runledger({
      baseUrl: url,
      apiKey: 'k',
      maxRetries: 0,
    });
    const recording = recordUIMessageStream(client, { onError: (e) => errors.push(e) }, chunksOf(textAnswer));
    expect(await collect(recording.stream)).toEqual(textAnswer);
    await expect(recording.done).rejects.toMatchObject({ code: 'network_error' });
    expect(errors).toHaveLength(1);
    server = await new FakeServer().start();
  });
});
