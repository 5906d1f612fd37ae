/**
 * runledgerTelemetry() registered with the AI SDK's registerTelemetry, against the built server:
 * every generateText/streamText call becomes a run without a change at the call site.
 */
import { generateText, registerTelemetry, stepCountIs, streamText, tool } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type EventDto,
  eventsToUIMessages,
  Runledger,
  type RunledgerTelemetry,
  runledgerTelemetry,
} from '@runledger/sdk';
import { mockUsage, weatherModel } from '../../helpers/ai-mocks';
import { describeEachServer } from '../../helpers/shared-server';

const finish = (unified: 'stop' | 'tool-calls') => ({ unified, raw: undefined });

/** A model that calls getWeather twice (two steps), then answers: a 3-step tool loop. */
function loopModel() {
  const call = (id: string, city: string) => ({
    content: [
      { type: 'tool-call' as const, toolCallId: id, toolName: 'getWeather', input: JSON.stringify({ city }) },
    ],
    finishReason: finish('tool-calls'),
    usage: mockUsage(10, 3),
    warnings: [],
  });
  return new MockLanguageModelV4({
    modelId: 'mock-loop',
    doGenerate: [
      call('c1', 'Paris'),
      call('c2', 'Oslo'),
      {
        content: [
          { type: 'reasoning', text: 'Both are known now.' },
          { type: 'text', text: 'Paris is warmer than Oslo.' },
        ],
        finishReason: finish('stop'),
        usage: mockUsage(30, 8),
        warnings: [],
      },
    ],
  });
}

const weatherTool = (fail?: string) =>
  tool({
    inputSchema: z.object({ city: z.string() }),
    execute: async ({ city }) => {
      if (city === fail) throw new Error(`no station in ${city}`);
      return { city, tempC: city === 'Paris' ? 21 : 4 };
    },
  });

describeEachServer('AI SDK telemetry integration', ({ server, api }) => {
  let telemetry: RunledgerTelemetry;
  let rl: Runledger;
  beforeAll(() => {
    rl = new Runledger({ baseUrl: server().baseUrl, apiKey: server().keys.main! });
    telemetry = runledgerTelemetry({ client: rl, flushIntervalMs: 20 });
    registerTelemetry(telemetry);
  });

  const runOfUser = async (userId: string) => {
    await telemetry.flush();
    const { data } = await rl.listRuns({ userId });
    expect(data).toHaveLength(1);
    const events: EventDto[] = [];
    for await (const e of rl.iterateEvents(data[0]!.id)) events.push(e);
    return { run: data[0]!, events };
  };
  const ledger = async (subject: string) => {
    // The ledger's total for the subject (the series sums every usage record).
    const res = await api(`/api/v1/usage/series?subject=${subject}&metric=tokens`);
    return ((await res.json()) as { data: { total: number }[] }).data.reduce((sum, b) => sum + b.total, 0);
  };

  it('a 3-step generateText tool loop becomes a run: name, context, steps, tools, usage', async () => {
    const result = await generateText({
      model: loopModel(),
      prompt: 'Which is warmer, Paris or Oslo?',
      tools: { getWeather: weatherTool() },
      stopWhen: stepCountIs(5),
      runtimeContext: { userId: 'tl-user', threadId: 'tl-thread', tags: ['beta'], plan: 'pro', secret: 'x' },
      telemetry: {
        functionId: 'compare-weather',
        includeRuntimeContext: { userId: true, threadId: true, tags: true, plan: true },
      },
    });
    expect(result.text).toBe('Paris is warmer than Oslo.');
    const { run, events } = await runOfUser('tl-user');
    expect(run).toMatchObject({
      name: 'compare-weather',
      status: 'succeeded',
      threadId: 'tl-thread',
      tags: ['beta'],
      model: 'mock-loop',
      inputTokens: 50,
      outputTokens: 14,
      output: { text: 'Paris is warmer than Oslo.' },
      input: { text: 'Which is warmer, Paris or Oslo?' },
    });
    expect(run.metadata).toMatchObject({ plan: 'pro', operationId: 'ai.generateText' });
    expect(run.metadata).not.toHaveProperty('secret');
    expect(run.endedAt).not.toBeNull();
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
    expect(events.filter((e) => e.type === 'start-step')).toHaveLength(3);
    expect(events.filter((e) => e.type === 'usage')).toHaveLength(3);
    expect(events.filter((e) => e.type === 'tool-execution').map((e) => e.payload)).toEqual([
      expect.objectContaining({ toolCallId: 'c1', toolName: 'getWeather', durationMs: expect.any(Number) }),
      expect.objectContaining({ toolCallId: 'c2', toolName: 'getWeather', durationMs: expect.any(Number) }),
    ]);
    expect(events.at(-2)).toMatchObject({ type: 'finish', payload: { finishReason: 'stop' } });
    expect(events.at(-1)).toMatchObject({ type: 'status', payload: { status: 'succeeded' } });
    // Events carry the times they happened at, in order.
    expect(events.map((e) => e.ts)).toEqual([...events.map((e) => e.ts)].sort());

    const [user, assistant, ...rest] = await eventsToUIMessages(events);
    expect(rest).toEqual([]);
    expect(user).toMatchObject({
      role: 'user',
      parts: [{ type: 'text', text: 'Which is warmer, Paris or Oslo?' }],
    });
    const tools = assistant!.parts.filter((p) => p.type === 'tool-getWeather');
    expect(tools).toEqual([
      expect.objectContaining({
        toolCallId: 'c1',
        state: 'output-available',
        input: { city: 'Paris' },
        output: { city: 'Paris', tempC: 21 },
      }),
      expect.objectContaining({
        toolCallId: 'c2',
        state: 'output-available',
        input: { city: 'Oslo' },
        output: { city: 'Oslo', tempC: 4 },
      }),
    ]);
    expect(assistant!.parts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'reasoning', text: 'Both are known now.' }),
        expect.objectContaining({ type: 'text', text: 'Paris is warmer than Oslo.' }),
      ]),
    );
    expect(await ledger('tl-user')).toBe(64);
  });

  it('a call that chooses its run id through the runtime context is scored through the integration', async () => {
    const runId = crypto.randomUUID();
    await generateText({
      model: loopModel(),
      prompt: 'Which is warmer, Paris or Oslo?',
      tools: { getWeather: weatherTool() },
      stopWhen: stepCountIs(5),
      runtimeContext: { userId: 'tl-scored', runledgerRunId: runId },
      telemetry: { includeRuntimeContext: { userId: true, runledgerRunId: true } },
    });
    expect(
      await telemetry.score(runId, { name: 'correct', value: true, comment: 'Paris is warmer' }),
    ).toMatchObject({
      accepted: 1,
    });
    await telemetry.flush();
    const run = await rl.getRun(runId);
    expect(run.userId).toBe('tl-scored');
    // The chosen id is the run's, not a metadata field.
    expect(run.metadata).not.toHaveProperty('runledgerRunId');
    const { data } = await rl.listScores({ runId });
    expect(data.map((s) => [s.name, s.value, s.comment])).toEqual([['correct', true, 'Paris is warmer']]);
  });

  it('a streamText call is recorded the same way, the stream untouched', async () => {
    const result = streamText({
      model: weatherModel(),
      prompt: 'What is the weather in Paris?',
      stopWhen: stepCountIs(3),
      tools: { getWeather: weatherTool() },
      runtimeContext: { userId: 'st-user' },
      telemetry: { includeRuntimeContext: { userId: true } },
    });
    expect(await result.text).toBe('It is 21 °C and sunny in Paris.');
    const { run, events } = await runOfUser('st-user');
    expect(run).toMatchObject({
      status: 'succeeded',
      inputTokens: 30,
      outputTokens: 12,
      model: 'mock-weather-1',
    });
    const [, assistant] = await eventsToUIMessages(events);
    expect(assistant!.parts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'tool-getWeather', state: 'output-available' }),
        expect.objectContaining({ type: 'text', text: 'It is 21 °C and sunny in Paris.' }),
      ]),
    );
    expect(await ledger('st-user')).toBe(42);
  });

  it('a failing tool is a tool error in the run; the run goes on', async () => {
    await generateText({
      model: loopModel(),
      prompt: 'Compare',
      tools: { getWeather: weatherTool('Oslo') },
      stopWhen: stepCountIs(5),
      runtimeContext: { userId: 'te-user' },
      telemetry: { includeRuntimeContext: { userId: true } },
    });
    const { run, events } = await runOfUser('te-user');
    expect(run.status).toBe('succeeded');
    expect(events.find((e) => e.type === 'tool-output-error')?.payload).toEqual({
      type: 'tool-output-error',
      toolCallId: 'c2',
      errorText: 'no station in Oslo',
    });
    expect(
      events.find((e) => e.type === 'tool-execution' && (e.payload as { error?: unknown }).error)?.payload,
    ).toMatchObject({
      toolCallId: 'c2',
      error: { message: 'no station in Oslo' },
    });
  });

  it('an aborted stream is a cancelled run', async () => {
    const controller = new AbortController();
    const model = new MockLanguageModelV4({
      modelId: 'mock-slow',
      doStream: async () => ({
        stream: new ReadableStream({
          start(c) {
            c.enqueue({ type: 'text-start', id: 't' });
            c.enqueue({ type: 'text-delta', id: 't', delta: 'Once upon' });
            // Never finishes: the caller aborts.
          },
        }),
      }),
    });
    const result = streamText({
      model,
      prompt: 'Tell a long story',
      abortSignal: controller.signal,
      runtimeContext: { userId: 'ab-user' },
      telemetry: { includeRuntimeContext: { userId: true } },
    });
    for await (const delta of result.textStream) {
      expect(delta).toBe('Once upon');
      controller.abort();
    }
    const { run, events } = await runOfUser('ab-user');
    expect(run.status).toBe('cancelled');
    expect(events.map((e) => e.type)).toContain('abort');
  });

  it('a model API error is a failed run with the error', async () => {
    const model = new MockLanguageModelV4({
      modelId: 'mock-down',
      doGenerate: async () => {
        throw new Error('upstream 503: overloaded');
      },
    });
    await expect(
      generateText({
        model,
        prompt: 'Hello',
        maxRetries: 0,
        runtimeContext: { userId: 'er-user' },
        telemetry: { includeRuntimeContext: { userId: true } },
      }),
    ).rejects.toThrow('overloaded');
    const { run, events } = await runOfUser('er-user');
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ message: expect.stringContaining('upstream 503: overloaded') });
    expect(events.find((e) => e.type === 'error')?.payload).toMatchObject({
      errorText: expect.stringContaining('overloaded'),
    });
  });
});

it('never slows or breaks the app: runledger unreachable, memory bounded, one warning, flush settles', async () => {
  const warnings: string[] = [];
  const telemetry = runledgerTelemetry({
    client: new Runledger({
      baseUrl: 'http://127.0.0.1:9',
      apiKey: 'rl_x',
      maxRetries: 1,
      retryBaseDelayMs: 1,
    }),
    maxQueuedEvents: 5,
    flushIntervalMs: 10_000,
    onWarning: (m) => warnings.push(m),
  });
  const result = await generateText({
    model: loopModel(),
    prompt: 'Compare',
    tools: { getWeather: weatherTool() },
    stopWhen: stepCountIs(5),
    telemetry: { integrations: [telemetry] },
  });
  expect(result.text).toBe('Paris is warmer than Oslo.');
  expect(telemetry.dropped).toBeGreaterThan(0);
  expect(warnings.filter((w) => w.includes('buffer full'))).toHaveLength(1);
  await telemetry.flush();
  // The 5 held events could not be delivered either: dropped with a warning, memory released.
  expect(telemetry.dropped).toBeGreaterThan(5);
  expect(warnings.some((w) => w.includes('could not create the run'))).toBe(true);
});
