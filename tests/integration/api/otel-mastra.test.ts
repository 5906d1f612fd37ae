/**
 * A Mastra agent (@mastra/core with @mastra/observability and @mastra/otel-exporter, a mock model that
 * calls a tool and answers) exporting traces and logs to the built app, generating and streaming,
 * over OTLP/JSON and OTLP/protobuf. Mastra needs Node ≥ 22.13: the agent runs in its own process on
 * the Node of node_modules/.bin (the `node` dev dependency), whatever runs the suite.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { TranscriptFolder } from '@/features/replay/lib/transcript';
import { type EventDto, eventsToUIMessages, Runledger } from '@runledger/sdk';
import { availableDrivers, type TestDriver } from '../../helpers/db';
import type { TestServer } from '../../helpers/server';
import { sharedServer } from '../../helpers/shared-server';

const NODE = path.resolve('node_modules/.bin/node');
const AGENT = path.resolve('tests/helpers/mastra-agent.ts');

/**
 * Runs the agent in each protocol and mode (tests/helpers/mastra-agent.ts) in one process, each run
 * exported to every server: the agent's side is the same whatever database a server has.
 */
async function runAgents(servers: TestServer[]) {
  const { stdout, stderr } = await promisify(execFile)(
    NODE,
    ['--import', 'tsx', AGENT, 'mastra', ...servers.flatMap((s) => [s.baseUrl, s.keys.main!])],
    {
      encoding: 'utf8',
      timeout: 240_000,
    },
  );
  const answers = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{"userId"')) continue;
    const { userId, text } = JSON.parse(line) as { userId: string; text: string };
    answers.set(userId, text);
  }
  return { answers, output: `${stdout}${stderr}` };
}

// The run's shared server on each database (a set of projects of this file's own), claimed up front:
// one agent process exports to all of them.
const servers = new Map<TestDriver, TestServer>();
let agents: Awaited<ReturnType<typeof runAgents>> | undefined;
beforeAll(async () => {
  for (const driver of availableDrivers()) servers.set(driver, await sharedServer(driver));
  agents = await runAgents([...servers.values()]);
}, 300_000);

for (const driver of availableDrivers())
  describe(`Mastra over OTLP [${driver} server]`, () => {
    const server = () => servers.get(driver)!;
    const client = () => new Runledger({ baseUrl: server().baseUrl, apiKey: server().keys.main! });
    const tokensUsed = async (subject: string) => {
      const res = await fetch(`${server().baseUrl}/api/v1/usage/series?subject=${subject}&metric=tokens`, {
        headers: { authorization: `Bearer ${server().keys.main!}` },
      });
      const body = (await res.json()) as { data: { total: number }[] };
      return body.data.reduce((sum, b) => sum + b.total, 0);
    };

    it('the agent ran in every protocol and mode, and every export was accepted', () => {
      expect(agents!.answers).toEqual(
        new Map(
          ['generate-json', 'stream-json', 'generate-protobuf', 'stream-protobuf'].map((k) => [
            `mastra-${k}`,
            'It is 21 °C in Paris.',
          ]),
        ),
      );
      // Mastra reports a refused export (a 404 on /v1/logs, say) on its console.
      expect(agents!.output).not.toMatch(/export failed|failed to export/i);
    });

    for (const protocol of ['json', 'protobuf']) {
      for (const mode of ['generate', 'stream']) {
        it(`an agent's ${mode} over OTLP/${protocol} is one run that replays as the conversation`, async () => {
          const userId = `mastra-${mode}-${protocol}`;
          const runs = (await client().listRuns({ userId, limit: 10 })).data;
          expect(runs).toHaveLength(1);
          const run = await client().getRun(runs[0]!.id);
          expect(run).toMatchObject({
            name: 'weather-agent',
            status: 'succeeded',
            userId,
            model: 'mock-weather-1',
            tags: ['mastra', mode],
            input: { text: 'What is the weather in Paris?' },
            output: { text: 'It is 21 °C in Paris.' },
            inputTokens: 30,
            outputTokens: 12,
          });

          const events: EventDto[] = [];
          for await (const e of client().iterateEvents(run.id)) events.push(e);
          // Mastra's structural spans are folded into the transcript, not shown as raw spans.
          expect(events.filter((e) => e.type === 'otel-span')).toEqual([]);
          // The tool's warning, from Mastra's logs, in the run.
          expect(events.filter((e) => e.type === 'log').map((e) => e.payload)).toEqual([
            expect.objectContaining({ text: 'weather service slow', severity: 'WARN' }),
          ]);

          const [user, assistant, ...rest] = await eventsToUIMessages(events);
          expect(rest).toEqual([]);
          expect(user).toMatchObject({
            role: 'user',
            parts: [{ type: 'text', text: 'What is the weather in Paris?' }],
          });
          expect(assistant?.parts).toEqual(
            expect.arrayContaining([
              expect.objectContaining({
                type: 'tool-getWeather',
                toolCallId: 'call-1',
                state: 'output-available',
                input: { city: 'Paris' },
                output: { city: 'Paris', tempC: 21 },
              }),
              expect.objectContaining({ type: 'text', text: 'It is 21 °C in Paris.' }),
            ]),
          );
          // The replay's transcript: the question first, then one answer (no empty message).
          const folder = new TranscriptFolder();
          for (const e of events) folder.apply(e);
          expect(folder.items.map((i) => i.kind)).toEqual(['user', 'assistant']);
          expect(await tokensUsed(userId)).toBe(42);
        });
      }
    }
  });
