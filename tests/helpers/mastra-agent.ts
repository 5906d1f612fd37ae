/**
 * A Mastra agent exporting its traces and logs to runledger through @mastra/otel-exporter, as a Mastra
 * user configures it: a mock model that calls a tool, then answers; the tool logs a warning. Runs the
 * agent once per protocol (OTLP/JSON, OTLP/protobuf) and mode (generate, stream), each with its own
 * Mastra instance and an exporter per server given (each run is exported to every server), the user
 * `<userPrefix>-<mode>-<json|protobuf>`. Run in its own process on Node ≥ 22.13 (Mastra's floor;
 * tests/integration/api/otel-mastra.test.ts):
 *   node --import tsx tests/helpers/mastra-agent.ts <userPrefix> <baseUrl> <apiKey> [<baseUrl> <apiKey>]…
 * Prints one JSON line per run ({ userId, text }) once its exporters have flushed.
 */
import { Agent } from '@mastra/core/agent';
import type { MastraModelConfig } from '@mastra/core/llm';
import { Mastra } from '@mastra/core/mastra';
import { createTool } from '@mastra/core/tools';
import { Observability } from '@mastra/observability';
import { OtelExporter } from '@mastra/otel-exporter';
import { convertArrayToReadableStream, MockLanguageModelV4 } from 'ai/test';
import { z } from 'zod';

const [userPrefix, ...targetArgs] = process.argv.slice(2);
const targets = Array.from({ length: targetArgs.length / 2 }, (_, i) => ({
  baseUrl: targetArgs[2 * i]!,
  apiKey: targetArgs[2 * i + 1]!,
}));
if (!userPrefix || targets.length === 0 || targetArgs.length % 2 !== 0) {
  throw new Error('usage: mastra-agent.ts <userPrefix> <baseUrl> <apiKey> [<baseUrl> <apiKey>]…');
}

const usage = (input: number, output: number) => ({
  inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: output, text: output, reasoning: 0 },
});
const toolCall = {
  type: 'tool-call',
  toolCallId: 'call-1',
  toolName: 'getWeather',
  input: '{"city":"Paris"}',
} as const;
const answer = 'It is 21 °C in Paris.';

const mockModel = () =>
  new MockLanguageModelV4({
    modelId: 'mock-weather-1',
    doGenerate: [
      {
        content: [toolCall],
        finishReason: { unified: 'tool-calls', raw: undefined },
        usage: usage(10, 5),
        warnings: [],
      },
      {
        content: [{ type: 'text', text: answer }],
        finishReason: { unified: 'stop', raw: undefined },
        usage: usage(20, 7),
        warnings: [],
      },
    ],
    doStream: [
      {
        stream: convertArrayToReadableStream([
          { type: 'stream-start', warnings: [] },
          toolCall,
          { type: 'finish', usage: usage(10, 5), finishReason: { unified: 'tool-calls', raw: undefined } },
        ]),
      },
      {
        stream: convertArrayToReadableStream([
          { type: 'stream-start', warnings: [] },
          { type: 'text-start', id: 't1' },
          { type: 'text-delta', id: 't1', delta: 'It is 21 °C ' },
          { type: 'text-delta', id: 't1', delta: 'in Paris.' },
          { type: 'text-end', id: 't1' },
          { type: 'finish', usage: usage(20, 7), finishReason: { unified: 'stop', raw: undefined } },
        ]),
      },
    ],
  });

const getWeather = createTool({
  id: 'getWeather',
  description: 'Current weather of a city',
  inputSchema: z.object({ city: z.string() }),
  execute: async ({ city }, context) => {
    context?.mastra?.getLogger().warn('weather service slow', { city });
    return { city, tempC: 21 };
  },
});

async function run(protocol: 'http/json' | 'http/protobuf', mode: 'generate' | 'stream') {
  // The configuration docs/opentelemetry-mastra.md shows (once per server).
  const exporters = targets.map(
    ({ baseUrl, apiKey }) =>
      new OtelExporter({
        provider: {
          custom: {
            endpoint: `${baseUrl}/api/v1/otel`,
            headers: { Authorization: `Bearer ${apiKey}` },
            protocol,
          },
        },
      }),
  );
  const mastra = new Mastra({
    agents: {
      weatherAgent: new Agent({
        id: 'weather-agent',
        name: 'weather-agent',
        instructions: 'Answer questions about the weather.',
        // ai@7's mock speaks a later patch of the provider spec (v4) than the one @mastra/core's types pin.
        model: mockModel() as unknown as MastraModelConfig,
        tools: { getWeather },
      }),
    },
    observability: new Observability({
      configs: { otel: { serviceName: 'mastra-weather', exporters } },
    }),
  });
  const userId = `${userPrefix}-${mode}-${protocol.slice(5)}`;
  const agent = mastra.getAgent('weatherAgent');
  const options = { tracingOptions: { metadata: { userId }, tags: ['mastra', mode] } };
  const question = 'What is the weather in Paris?';
  const text =
    mode === 'stream'
      ? await (await agent.stream(question, options)).text
      : (await agent.generate(question, options)).text;
  await Promise.all(exporters.map((e) => e.flush()));
  await mastra.shutdown();
  console.log(JSON.stringify({ userId, text }));
}

for (const protocol of ['http/json', 'http/protobuf'] as const) {
  for (const mode of ['generate', 'stream'] as const) await run(protocol, mode);
}
