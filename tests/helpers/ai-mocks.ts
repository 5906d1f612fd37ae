import { readUIMessageStream, stepCountIs, streamText, tool, type UIMessage, type UIMessageChunk } from 'ai';
import { convertArrayToReadableStream, MockLanguageModelV4 } from 'ai/test';
import { z } from 'zod';

export const mockUsage = (input: number, output: number) => ({
  inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: output, text: output, reasoning: 0 },
});

/** A model that calls getWeather, then answers in text deltas: 30 input and 12 output tokens in all. */
export function weatherModel() {
  return new MockLanguageModelV4({
    modelId: 'mock-weather-1',
    doStream: [
      {
        stream: convertArrayToReadableStream([
          { type: 'stream-start', warnings: [] },
          { type: 'tool-input-start', id: 'call-1', toolName: 'getWeather' },
          { type: 'tool-input-delta', id: 'call-1', delta: '{"city":' },
          { type: 'tool-input-delta', id: 'call-1', delta: '"Paris"}' },
          { type: 'tool-input-end', id: 'call-1' },
          { type: 'tool-call', toolCallId: 'call-1', toolName: 'getWeather', input: '{"city":"Paris"}' },
          {
            type: 'finish',
            usage: mockUsage(10, 5),
            finishReason: { unified: 'tool-calls', raw: undefined },
          },
        ]),
      },
      {
        stream: convertArrayToReadableStream([
          { type: 'text-start', id: 't1' },
          { type: 'text-delta', id: 't1', delta: 'It is 21 °C ' },
          { type: 'text-delta', id: 't1', delta: 'and sunny ' },
          { type: 'text-delta', id: 't1', delta: 'in Paris.' },
          { type: 'text-end', id: 't1' },
          { type: 'finish', usage: mockUsage(20, 7), finishReason: { unified: 'stop', raw: undefined } },
        ]),
      },
    ],
  });
}

/** `streamText` over {@link weatherModel} with a getWeather tool: a tool call, then a text answer. */
export function weatherChat() {
  return streamText({
    model: weatherModel(),
    prompt: 'What is the weather in Paris?',
    stopWhen: stepCountIs(3),
    tools: {
      getWeather: tool({
        description: 'Current weather of a city',
        inputSchema: z.object({ city: z.string() }),
        execute: async ({ city }) => ({ city, tempC: 21, sky: 'sunny' }),
      }),
    },
  });
}

/** The final state of the message a UI message stream builds, as `useChat` would show it. */
export async function lastMessage(stream: ReadableStream<UIMessageChunk>): Promise<UIMessage | undefined> {
  let last: UIMessage | undefined;
  for await (const message of readUIMessageStream({ stream })) last = structuredClone(message);
  return last;
}
