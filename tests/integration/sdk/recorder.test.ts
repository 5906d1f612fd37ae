/**
 * End to end: the SDK against the built server (real HTTP, real database), on PGlite and on the
 * Postgres server when configured.
 */
import { beforeAll, expect, it } from 'vitest';
import {
  type EventDto,
  eventsToUIMessages,
  RunledgerError,
  recordStreamText,
  Runledger,
  runDataset,
} from '@runledger/sdk';
import { lastMessage, weatherChat } from '../../helpers/ai-mocks';
import { describeEachServer } from '../../helpers/shared-server';
import { runTsx } from '../../helpers/tsx';

describeEachServer('SDK against the server', ({ server }) => {
  let rl: Runledger;
  // Registered after the server's own beforeAll, so the server is up by then.
  beforeAll(() => {
    rl = new Runledger({ baseUrl: server().baseUrl, apiKey: server().keys.main! });
  });

  it('records a chat with a tool call; the stored events replay into exactly the live messages', async () => {
    const recording = recordStreamText(
      rl,
      { userText: 'What is the weather in Paris?', run: { userId: 'e2e-user' } },
      weatherChat(),
    );
    const live = await lastMessage(recording.stream);
    await expect(recording.done).resolves.toMatchObject({ status: 'succeeded' });

    const events: EventDto[] = [];
    for await (const e of rl.iterateEvents(recording.runId, { limit: 5 })) events.push(e);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
    const [user, assistant, ...rest] = await eventsToUIMessages(events);
    expect(rest).toEqual([]);
    expect(user).toMatchObject({
      role: 'user',
      parts: [{ type: 'text', text: 'What is the weather in Paris?' }],
    });
    expect(assistant).toEqual(live);

    const run = await rl.getRun(recording.runId);
    expect(run).toMatchObject({
      kind: 'chat',
      status: 'succeeded',
      eventCount: events.length,
      lastSeq: events.length - 1,
      inputTokens: 30,
      outputTokens: 12,
      totalTokens: 42,
      model: 'mock-weather-1',
      output: { text: 'It is 21 °C and sunny in Paris.' },
    });
    expect(run.endedAt).not.toBeNull();
  });

  it('event appends and createRun are safe to retry', async () => {
    const run = await rl.createRun({ name: 'sdk e2e retries' });
    await expect(rl.createRun({ id: run.id, name: 'sdk e2e retries' })).resolves.toMatchObject({
      id: run.id,
    });
    await expect(rl.createRun({ id: run.id, name: 'another body' })).rejects.toMatchObject({
      status: 409,
      code: 'conflict',
    });

    const buffer = rl.events(run.id, { maxBatch: 500 });
    for (let i = 0; i < 1200; i++) buffer.push('tick', { i });
    await buffer.close();
    const again = Array.from({ length: 500 }, (_, i) => ({ seq: i, type: 'tick', payload: { i } }));
    await expect(rl.appendEvents(run.id, again)).resolves.toEqual({ accepted: 0, duplicates: 500 });
    await expect(rl.getRun(run.id)).resolves.toMatchObject({ eventCount: 1200, lastSeq: 1199 });
  });

  it('runs a dataset: item failures are counted, the run succeeds', async () => {
    const summary = await runDataset(rl, {
      dataset: {
        id: 'e2e-numbers',
        version: 1,
        items: Array.from({ length: 6 }, (_, i) => ({ id: `n${i}`, input: { n: i }, expectedOutput: i * 2 })),
      },
      targetId: 'doubler',
      retries: 1,
      retryDelayMs: 1,
      resultBatchSize: 4,
      target: async ({ n }: { n: number }) => {
        if (n % 3 === 2) throw new Error(`cannot double ${n}`);
        return n * 2;
      },
    });
    expect(summary).toMatchObject({ status: 'succeeded', succeeded: 4, failed: 2 });
    await expect(rl.getRun(summary.runId)).resolves.toMatchObject({
      kind: 'dataset',
      status: 'succeeded',
      totalItems: 6,
      succeededCount: 4,
      failedCount: 2,
    });
    const failed = await rl.listResults(summary.runId, { status: 'failed' });
    expect(failed.data.map((r) => [r.itemId, r.retryCount, r.error])).toEqual([
      ['n2', 1, { name: 'Error', message: 'cannot double 2' }],
      ['n5', 1, { name: 'Error', message: 'cannot double 5' }],
    ]);
  });

  it('quotas: a 429 carries Retry-After and the windows; reservations settle once', async () => {
    const subject = `e2e-${crypto.randomUUID()}`;
    const quota = await rl.putQuota({ subject, metric: 'tokens', window: 'day', limit: 100, mode: 'hard' });
    try {
      await expect(rl.recordUsage({ subject, metric: 'tokens', amount: 60 })).resolves.toMatchObject({
        allowed: true,
      });
      const err = await rl.recordUsage({ subject, metric: 'tokens', amount: 60 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RunledgerError);
      expect(err).toMatchObject({ status: 429, code: 'quota_exceeded' });
      expect((err as RunledgerError).retryAfterSeconds).toBeGreaterThan(0);

      const { reservation } = await rl.createReservation({ subject, metric: 'tokens', amount: 30 });
      await rl.commitReservation(reservation.id, 25);
      await expect(rl.commitReservation(reservation.id, 25)).rejects.toMatchObject({ status: 409 });
      const { windows } = await rl.getUsage({ subject, metric: 'tokens' });
      expect(windows).toContainEqual(
        expect.objectContaining({ window: 'day', limit: 100, used: 85, remaining: 15 }),
      );
    } finally {
      await rl.deleteQuota(quota.id);
    }
  });

  it('npm run demo:agent streams its chats and dataset run into the server', async () => {
    const { code, stdout, stderr } = await runTsx(['scripts/demo-agent.ts'], {
      RUNLEDGER_URL: server().baseUrl,
      RUNLEDGER_API_KEY: server().keys.main!,
    });
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('[calling getWeather]');
    expect(stdout).toContain('It is 19 °C and partly cloudy in Lisbon');
    const ids = [...stdout.matchAll(/\/runs\/([0-9a-f-]{36})/g)].map((m) => m[1]!);
    const printed = [...new Set(ids)];
    expect(printed).toHaveLength(4);
    const stored = await Promise.all(printed.map((id) => rl.getRun(id)));
    const chats = stored.filter((r) => r.kind === 'chat');
    expect(chats).toHaveLength(3);
    for (const run of chats) {
      expect(run).toMatchObject({ status: 'succeeded', userId: 'demo-user', tags: ['demo'] });
      expect(run.eventCount).toBeGreaterThan(5);
      expect(run.totalTokens).toBeGreaterThan(0);
    }
    // The first two share a thread: a conversation.
    expect(chats[0]!.threadId).toBe(chats[1]!.threadId);
    const [dataset] = stored.filter((r) => r.kind === 'dataset');
    expect(dataset).toMatchObject({ totalItems: 5, succeededCount: 4, failedCount: 1 });
  }, 120_000);
});
