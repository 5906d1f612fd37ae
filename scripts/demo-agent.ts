/**
 * Streams three mock chat runs (one with a getWeather tool call, two in the same thread) and one
 * small dataset run into a running runledger server, through the SDK.
 *
 *   npm run cli -- keys create --project demo          # prints the key as its last line
 *   RUNLEDGER_API_KEY=rl_... npm run demo:agent        # RUNLEDGER_URL defaults to http://localhost:3000
 *   (RUNLEDGER_PROJECT=<slug> makes the printed links go straight to /p/<slug>/runs/<id>)
 */
import { stepCountIs, streamText, tool } from 'ai';
import { MockLanguageModelV4, simulateReadableStream } from 'ai/test';
import { z } from 'zod';
import { recordStreamText, Runledger, RunledgerError, runDataset } from '@runledger/sdk';

type LanguageModelV4StreamPart =
  Awaited<ReturnType<MockLanguageModelV4['doStream']>>['stream'] extends ReadableStream<infer P> ? P : never;

const baseUrl = process.env.RUNLEDGER_URL ?? 'http://localhost:3000';
const apiKey = process.env.RUNLEDGER_API_KEY;
if (!apiKey) {
  console.error(
    'RUNLEDGER_API_KEY is not set. Create a key with:\n\n  npm run cli -- keys create --project demo\n\n' +
      'then run:  RUNLEDGER_API_KEY=<the last line it printed> npm run demo:agent',
  );
  process.exit(1);
}
const client = new Runledger({ baseUrl, apiKey, project: process.env.RUNLEDGER_PROJECT });
const runUrl = (id: string) => client.runUrl(id);

const usage = (input: number, output: number) => ({
  inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: output, text: output, reasoning: 0 },
});

/** The words of `text` as text deltas, the way a provider streams them. */
function textParts(id: string, text: string): LanguageModelV4StreamPart[] {
  const words = text.match(/\S+\s*/g) ?? [];
  return [
    { type: 'text-start', id },
    ...words.map((delta): LanguageModelV4StreamPart => ({ type: 'text-delta', id, delta })),
    { type: 'text-end', id },
  ];
}

const stream = (parts: LanguageModelV4StreamPart[]) => ({
  stream: simulateReadableStream({ chunks: parts, initialDelayInMs: 120, chunkDelayInMs: 25 }),
});

/** A model that first calls getWeather for `city`, then answers from the tool's result. */
function weatherModel(city: string, answer: string) {
  const input = JSON.stringify({ city });
  return new MockLanguageModelV4({
    provider: 'mock',
    modelId: 'mock-gpt-demo',
    doStream: [
      stream([
        { type: 'stream-start', warnings: [] },
        { type: 'tool-input-start', id: 'call-1', toolName: 'getWeather' },
        { type: 'tool-input-delta', id: 'call-1', delta: input.slice(0, 9) },
        { type: 'tool-input-delta', id: 'call-1', delta: input.slice(9) },
        { type: 'tool-input-end', id: 'call-1' },
        { type: 'tool-call', toolCallId: 'call-1', toolName: 'getWeather', input },
        { type: 'finish', usage: usage(182, 24), finishReason: { unified: 'tool-calls', raw: 'tool_calls' } },
      ]),
      stream([
        ...textParts('answer', answer),
        { type: 'finish', usage: usage(236, 58), finishReason: { unified: 'stop', raw: 'stop' } },
      ]),
    ],
  });
}

/** A model that answers in text only. */
function textModel(answer: string) {
  return new MockLanguageModelV4({
    provider: 'mock',
    modelId: 'mock-gpt-demo',
    doStream: stream([
      ...textParts('answer', answer),
      { type: 'finish', usage: usage(95, 71), finishReason: { unified: 'stop', raw: 'stop' } },
    ]),
  });
}

const getWeather = tool({
  description: 'The current weather of a city',
  inputSchema: z.object({ city: z.string().describe('City name, e.g. "Lisbon"') }),
  execute: async ({ city }) => ({ city, temperatureC: 19, sky: 'partly cloudy', windKmh: 14 }),
});

async function chat(question: string, model: MockLanguageModelV4, threadId: string) {
  const result = streamText({
    model,
    system: 'You are a concise travel assistant.',
    prompt: question,
    tools: { getWeather },
    stopWhen: stepCountIs(3),
  });
  const recording = recordStreamText(
    client,
    { userText: question, run: { userId: 'demo-user', threadId, tags: ['demo'] } },
    result,
  );
  // The user's side: what a route handler would stream to the browser.
  process.stdout.write(`\n> ${question}\n`);
  for await (const chunk of recording.stream as unknown as AsyncIterable<{
    type: string;
    delta?: string;
    toolName?: string;
  }>) {
    if (chunk.type === 'text-delta') process.stdout.write(chunk.delta ?? '');
    if (chunk.type === 'tool-input-available') process.stdout.write(`[calling ${chunk.toolName}] `);
  }
  const outcome = await recording.done;
  process.stdout.write(`\n  run ${outcome.runId} ${outcome.status}: ${runUrl(outcome.runId)}\n`);
  return outcome.runId;
}

async function main() {
  const thread = crypto.randomUUID();
  const chatRuns = [
    await chat(
      'What is the weather like in Lisbon right now?',
      weatherModel(
        'Lisbon',
        'It is 19 °C and partly cloudy in Lisbon, with a light wind of 14 km/h. A light jacket is enough for an evening walk along the river.',
      ),
      thread,
    ),
    await chat(
      'And what should I not miss there on a first visit?',
      textModel(
        'On a first visit, take tram 28 through Alfama, watch the sunset from the Miradouro da Senhora do Monte, try a pastel de nata in Belém, and spend an evening listening to fado in the old town.',
      ),
      thread,
    ),
    await chat(
      'Is it warm enough to swim in Nice today?',
      weatherModel(
        'Nice',
        'Nice is at 19 °C under a partly cloudy sky: pleasant for a walk on the Promenade des Anglais, but the sea will feel cold for most swimmers.',
      ),
      crypto.randomUUID(),
    ),
  ];

  const capitals = { France: 'Paris', Portugal: 'Lisbon', Italy: 'Rome', Spain: 'Madrid', Atlantis: '?' };
  const summary = await runDataset(client, {
    name: 'Capitals quiz (demo)',
    dataset: {
      id: 'capitals',
      version: 1,
      items: Object.entries(capitals).map(([country, capital]) => ({
        id: country.toLowerCase(),
        input: { country },
        expectedOutput: { capital },
      })),
    },
    targetType: 'agent',
    targetId: 'capital-bot',
    concurrency: 2,
    retries: 1,
    retryDelayMs: 50,
    target: async ({ country }: { country: string }) => {
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 100));
      const capital = capitals[country as keyof typeof capitals];
      if (capital === '?') throw new Error(`No capital known for ${country}`);
      return { capital };
    },
  });

  console.log('\nChat runs:');
  for (const id of chatRuns) console.log(`  ${runUrl(id)}`);
  console.log(
    `Dataset run (${summary.status}: ${summary.succeeded} passed, ${summary.failed} failed, ${summary.durationMs} ms):\n  ${runUrl(summary.runId)}`,
  );
}

main().catch((err: unknown) => {
  if (err instanceof RunledgerError) {
    console.error(`runledger answered ${err.status} ${err.code}: ${err.message}`);
    if (err.code === 'network_error') console.error(`Is the server running at ${baseUrl}? (npm run dev)`);
  } else {
    console.error(err);
  }
  process.exit(1);
});
