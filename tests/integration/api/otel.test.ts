/**
 * OTLP/HTTP traces against the built app: the real OpenTelemetry SDK with its OTLP exporters (JSON and
 * protobuf), and exports built by hand from recorded spans (split, reordered, repeated, invalid).
 */
import { gzipSync } from 'node:zlib';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { expect, it } from 'vitest';
import { traceRunId } from '@/server/otel';
import { type EventDto, eventsToUIMessages, Runledger } from '@runledger/sdk';
import {
  genAiAgentTrace,
  legacyAiSdkTrace,
  memoryTracer,
  toJson,
  toProtobuf,
  tracerWith,
} from '../../helpers/otel';
import { describeEachServer } from '../../helpers/shared-server';

const PATH = '/api/v1/otel/v1/traces';

describeEachServer('OTLP/HTTP traces', ({ server, api }) => {
  const client = () => new Runledger({ baseUrl: server().baseUrl, apiKey: server().keys.main! });
  const runOf = (traceId: string, project = 'main') => traceRunId(server().projectIds[project]!, traceId);
  const eventsOf = async (runId: string, project = 'main') => {
    const rl = new Runledger({ baseUrl: server().baseUrl, apiKey: server().keys[project]! });
    const out: EventDto[] = [];
    for await (const e of rl.iterateEvents(runId)) out.push(e);
    return out;
  };
  const tokensUsed = async (subject: string) => {
    // The ledger's total for the subject (the series sums its usage records).
    const res = await api(`/api/v1/usage/series?subject=${subject}&metric=tokens`);
    const body = (await res.json()) as { data: { total: number }[] };
    return body.data.reduce((sum, b) => sum + b.total, 0);
  };

  for (const [label, Exporter] of [
    ['JSON', JsonExporter],
    ['protobuf', ProtoExporter],
  ] as const) {
    it(`a GenAI agent trace from the SDK's ${label} exporter becomes a run that replays as a conversation`, async () => {
      const exporter = new Exporter({
        url: `${server().baseUrl}${PATH}`,
        headers: { Authorization: `Bearer ${server().keys.main}` },
        timeoutMillis: 60_000,
      });
      const { provider, tracer } = tracerWith(exporter);
      const userId = `otel-${label}`;
      const traceId = genAiAgentTrace(tracer, { userId, threadId: `thread-${label}` });
      await provider.forceFlush();
      await provider.shutdown();

      const run = await client().getRun(runOf(traceId));
      expect(run).toMatchObject({
        kind: 'chat',
        name: 'weather-agent',
        status: 'succeeded',
        userId,
        threadId: `thread-${label}`,
        model: 'mock-model',
        // The chat spans' usage (10+5, 20+7); the root's aggregate is not counted again.
        inputTokens: 30,
        outputTokens: 12,
        totalTokens: 42,
        output: { text: 'It is 21 °C in Paris.' },
        startedAt: '2026-11-20T09:00:00.000Z',
        endedAt: '2026-11-20T09:00:00.320Z',
      });
      const events = await eventsOf(run.id);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
      expect(events.map((e) => e.ts)).toEqual([...events.map((e) => e.ts)].sort());
      expect(
        events.filter((e) => e.type === 'otel-span').map((e) => (e.payload as { name: string }).name),
      ).toEqual(['step 1', 'step 2']);
      const [user, assistant, ...rest] = await eventsToUIMessages(
        events.filter((e) => e.type !== 'otel-span'),
      );
      expect(rest).toEqual([]);
      expect(user).toMatchObject({ role: 'user', parts: [{ type: 'text', text: 'Weather in Paris?' }] });
      expect(assistant?.role).toBe('assistant');
      expect(assistant?.parts).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ type: 'reasoning', text: 'I should look it up.' }),
          expect.objectContaining({
            type: 'tool-getWeather',
            toolCallId: 'call-1',
            state: 'output-available',
            input: { city: 'Paris' },
            output: { tempC: 21 },
          }),
          expect.objectContaining({ type: 'text', text: 'It is 21 °C in Paris.' }),
        ]),
      );
      expect(await tokensUsed(userId)).toBe(42);
    });
  }

  it('one trace split over 3 exports, reordered and repeated, assembles the same run as one export', async () => {
    const m = memoryTracer();
    const traceId = genAiAgentTrace(m.tracer, { userId: 'split-user', threadId: 'split-thread' });
    const spans = m.spans();
    // Reference: everything at once, into the other project.
    const whole = await api(PATH, {
      method: 'POST',
      project: 'other',
      body: toProtobuf(spans),
      headers: { 'content-type': 'application/x-protobuf' },
    });
    expect(whole.status).toBe(200);

    // The first spans first, then the root's part, then the middle one, which is also sent twice.
    const parts = [spans.slice(-2), spans.slice(3, -2), spans.slice(0, 3)];
    const runId = runOf(traceId);
    const send = (i: number) =>
      api(PATH, {
        method: 'POST',
        body: toJson(parts[i]!),
        headers: { 'content-type': 'application/json' },
      });
    expect((await send(2)).status).toBe(200);
    // Before the root span arrives, the run is listed as running and fills in later.
    const early = await client().getRun(runId);
    expect(early).toMatchObject({ status: 'running', name: `trace ${traceId.slice(0, 8)}`, endedAt: null });
    expect((await client().listRuns({ limit: 200 })).data.map((r) => r.id)).toContain(runId);
    expect((await send(0)).status).toBe(200);
    expect((await send(1)).status).toBe(200);
    const assembled = await client().getRun(runId);
    const again = await send(1);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({});

    const reference = await new Runledger({
      baseUrl: server().baseUrl,
      apiKey: server().keys.other!,
    }).getRun(runOf(traceId, 'other'));
    const strip = ({ id, projectId, createdAt, updatedAt, ...rest }: typeof assembled) => rest;
    expect(strip(assembled)).toEqual(strip(reference));
    // The repeated export changed nothing, not even updatedAt.
    expect(await client().getRun(runId)).toEqual(assembled);
    const shape = (e: EventDto) => [e.seq, e.type, e.ts, e.payload];
    expect((await eventsOf(runId)).map(shape)).toEqual((await eventsOf(reference.id, 'other')).map(shape));
    expect(await tokensUsed('split-user')).toBe(42);
  });

  it('the same export twice stores and counts it once', async () => {
    const m = memoryTracer();
    const traceId = genAiAgentTrace(m.tracer, { userId: 'twice-user', threadId: 'twice', failTool: true });
    const body = gzipSync(toProtobuf(m.spans()));
    const headers = { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' };
    for (let i = 0; i < 2; i++) {
      const res = await api(PATH, {
        method: 'POST',
        body,
        headers,
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/x-protobuf');
    }
    const run = await client().getRun(runOf(traceId));
    expect(run).toMatchObject({ inputTokens: 30, outputTokens: 12, status: 'succeeded' });
    const events = await eventsOf(run.id);
    expect(events.filter((e) => e.type === 'usage')).toHaveLength(2);
    expect(events.find((e) => e.type === 'tool-output-error')?.payload).toEqual({
      type: 'tool-output-error',
      toolCallId: 'call-1',
      errorText: 'weather service down',
    });
    expect(await tokensUsed('twice-user')).toBe(42);
  });

  it("maps the AI SDK's legacy ai.* spans and keeps other spans as generic events", async () => {
    const m = memoryTracer();
    const traceId = legacyAiSdkTrace(m.tracer, 'legacy-user');
    const res = await api(PATH, {
      method: 'POST',
      body: gzipSync(toJson(m.spans())),
      headers: { 'content-encoding': 'gzip' },
    });
    expect(res.status).toBe(200);
    const run = await client().getRun(runOf(traceId));
    expect(run).toMatchObject({
      name: 'legacy-fn',
      userId: 'legacy-user',
      inputTokens: 8,
      outputTokens: 4,
    });
    const events = await eventsOf(run.id);
    expect(events.find((e) => e.type === 'otel-span')?.payload).toMatchObject({
      name: 'db.query',
      attributes: { 'db.system': 'postgresql' },
    });
    const [user, assistant] = await eventsToUIMessages(events);
    expect(user).toMatchObject({ role: 'user', parts: [{ type: 'text', text: 'Do it' }] });
    expect(assistant?.parts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'text', text: 'Done.' }),
        expect.objectContaining({ type: 'tool-act', input: { x: 1 }, output: { ok: true } }),
      ]),
    );
    expect(await tokensUsed('legacy-user')).toBe(12);
  });

  it('answers invalid spans with partialSuccess and stores the valid ones', async () => {
    const m = memoryTracer();
    const traceId = legacyAiSdkTrace(m.tracer, 'partial-user');
    const doc = JSON.parse(Buffer.from(toJson(m.spans())).toString()) as {
      resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[];
    };
    const spans = doc.resourceSpans[0]!.scopeSpans[0]!.spans;
    spans.push({ ...spans[0], spanId: 'zz' }, { ...spans[0], traceId: '0'.repeat(32) });
    const res = await api(PATH, {
      method: 'POST',
      body: doc,
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
    expect(body.partialSuccess.rejectedSpans).toBe('2');
    expect(body.partialSuccess.errorMessage).toMatch(/invalid/);
    expect((await client().getRun(runOf(traceId))).eventCount).toBeGreaterThan(0);
  });

  it('refuses what it cannot take: 400 undecodable, 415 other types, 413 oversized, 401 without a key', async () => {
    const before = (await client().listRuns({ limit: 200 })).data.length;
    const proto = { 'content-type': 'application/x-protobuf' };
    expect(
      (
        await api(PATH, {
          method: 'POST',
          body: new Uint8Array([0xff, 0xff, 0xff, 0x0f]),
          headers: proto,
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await api(PATH, {
          method: 'POST',
          body: '{"resourceSpans": [',
          headers: { 'content-type': 'application/json' },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await api(PATH, {
          method: 'POST',
          body: 'not gzip',
          headers: { 'content-encoding': 'gzip' },
        })
      ).status,
    ).toBe(400);
    const wrongType = await api(PATH, {
      method: 'POST',
      body: 'x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(wrongType.status).toBe(415);
    expect(await wrongType.json()).toMatchObject({ error: { code: 'unsupported_media_type' } });
    const big = await api(PATH, {
      method: 'POST',
      body: new Uint8Array(5 * 1024 * 1024 + 1),
      headers: proto,
    });
    expect(big.status).toBe(413);
    const bomb = await api(PATH, {
      method: 'POST',
      body: gzipSync(Buffer.alloc(30 * 1024 * 1024)),
      headers: { ...proto, 'content-encoding': 'gzip' },
    });
    expect(bomb.status).toBe(413);
    expect(
      (
        await api(PATH, {
          method: 'POST',
          key: null,
          body: {},
        })
      ).status,
    ).toBe(401);
    expect(
      (
        await api(PATH, {
          method: 'POST',
          project: 'revoked',
          body: {},
        })
      ).status,
    ).toBe(401);
    expect((await client().listRuns({ limit: 200 })).data.length).toBe(before);
  });
});
