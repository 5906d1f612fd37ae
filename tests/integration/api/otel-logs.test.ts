/**
 * OTLP/HTTP logs against the built app: the real OpenTelemetry logs SDK with its OTLP exporters (JSON
 * and protobuf), gzip, partial success and refusals.
 */
import { gzipSync } from 'node:zlib';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { expect, it } from 'vitest';
import { traceRunId } from '@/server/otel';
import { type EventDto, Runledger } from '@runledger/sdk';
import {
  genAiAgentTrace,
  logInSpan,
  loggerWith,
  logsToJson,
  memoryLogger,
  memoryTracer,
  toProtobuf,
} from '../../helpers/otel';
import { describeEachServer } from '../../helpers/shared-server';

const LOGS = '/api/v1/otel/v1/logs';
const TRACES = '/api/v1/otel/v1/traces';
const T0 = Date.UTC(2026, 10, 20, 9, 0, 0);

describeEachServer('OTLP/HTTP logs', ({ server, api }) => {
  const client = () => new Runledger({ baseUrl: server().baseUrl, apiKey: server().keys.main! });
  const eventsOf = async (runId: string) => {
    const out: EventDto[] = [];
    for await (const e of client().iterateEvents(runId)) out.push(e);
    return out;
  };
  /** The agent trace's spans, and its tool span's ids (where the records are logged). */
  const agent = (userId: string) => {
    const m = memoryTracer();
    const traceId = genAiAgentTrace(m.tracer, { userId, threadId: `t-${userId}` });
    const tool = m
      .spans()
      .find((s) => s.name.startsWith('execute_tool'))!
      .spanContext();
    return { traceId, spans: m.spans(), tool };
  };
  const sendTrace = (spans: ReturnType<typeof agent>['spans']) =>
    api(TRACES, {
      method: 'POST',
      body: toProtobuf(spans),
      headers: { 'content-type': 'application/x-protobuf' },
    });

  for (const [label, Exporter] of [
    ['JSON', JsonLogExporter],
    ['protobuf', ProtoLogExporter],
  ] as const) {
    it(`records from the SDK's ${label} exporter, sent before their trace, become events of its run`, async () => {
      const t = agent(`logs-${label}`);
      const { provider, logger } = loggerWith(
        new Exporter({
          url: `${server().baseUrl}${LOGS}`,
          headers: { Authorization: `Bearer ${server().keys.main}` },
          timeoutMillis: 60_000,
        }),
      );
      logInSpan(logger, t.tool, { time: T0 + 150, body: 'weather service slow', severityText: 'WARN' });
      logInSpan(logger, t.tool, {
        time: T0 + 400,
        eventName: 'gen_ai.evaluation.result',
        attributes: { 'gen_ai.evaluation.name': 'tool_accuracy', 'gen_ai.evaluation.score.value': 1 },
      });
      await provider.forceFlush();
      await provider.shutdown();
      const runId = traceRunId(server().projectIds.main!, t.traceId);
      // Kept, waiting: no run yet.
      expect((await api(`/api/v1/runs/${runId}`)).status).toBe(404);
      expect((await sendTrace(t.spans)).status).toBe(200);
      const events = await eventsOf(runId);
      expect(events.filter((e) => e.type === 'log' || e.type === 'evaluation').map((e) => e.payload)).toEqual(
        [
          expect.objectContaining({ text: 'weather service slow', severity: 'WARN', spanId: t.tool.spanId }),
          expect.objectContaining({ text: 'tool_accuracy: 1', name: 'tool_accuracy', scoreValue: 1 }),
        ],
      );
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
      // The evaluation scores the step of the span it was logged in: the tool's output.
      const { data: scores } = await client().listScores({ runId });
      expect(scores.map((s) => [s.name, s.value, s.seq])).toEqual([
        ['tool_accuracy', 1, events.find((e) => e.type === 'tool-output-available')!.seq],
      ]);
    });
  }

  it('takes gzip, stores a re-sent export once, and answers uncorrelated or invalid records as partial success', async () => {
    const t = agent('logs-gzip');
    expect((await sendTrace(t.spans)).status).toBe(200);
    const { logger, records } = memoryLogger();
    logInSpan(logger, t.tool, { time: T0 + 160, body: 'cache miss', severityText: 'INFO' });
    logger.emit({ timestamp: T0 + 170, body: 'no trace here' });
    const doc = JSON.parse(Buffer.from(logsToJson(await records())).toString()) as {
      resourceLogs: { scopeLogs: { logRecords: Record<string, unknown>[] }[] }[];
    };
    const list = doc.resourceLogs[0]!.scopeLogs[0]!.logRecords;
    list.push({ ...list[0], traceId: 'abc' });
    const body = gzipSync(JSON.stringify(doc));
    const send = () =>
      api(LOGS, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      });
    const res = await send();
    expect(res.status).toBe(200);
    const answer = (await res.json()) as {
      partialSuccess: { rejectedLogRecords: string; errorMessage: string };
    };
    expect(answer.partialSuccess.rejectedLogRecords).toBe('2');
    expect(answer.partialSuccess.errorMessage).toMatch(/invalid traceId/);
    expect(answer.partialSuccess.errorMessage).toMatch(/neither a trace id nor a gen_ai.response.id/);
    const runId = traceRunId(server().projectIds.main!, t.traceId);
    const once = await eventsOf(runId);
    expect(once.filter((e) => e.type === 'log').map((e) => (e.payload as { text: string }).text)).toEqual([
      'cache miss',
    ]);
    expect((await send()).status).toBe(200);
    expect(await eventsOf(runId)).toEqual(once);
  });

  it('refuses what it cannot take: 400 undecodable, 415 other types, 401 without a key', async () => {
    const proto = { 'content-type': 'application/x-protobuf' };
    expect(
      (await api(LOGS, { method: 'POST', body: new Uint8Array([0xff, 0xff, 0xff, 0x0f]), headers: proto }))
        .status,
    ).toBe(400);
    expect(
      (
        await api(LOGS, {
          method: 'POST',
          body: '{"resourceLogs": [',
          headers: { 'content-type': 'application/json' },
        })
      ).status,
    ).toBe(400);
    const wrongType = await api(LOGS, {
      method: 'POST',
      body: 'x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(wrongType.status).toBe(415);
    expect(await wrongType.json()).toMatchObject({ error: { code: 'unsupported_media_type' } });
    expect((await api(LOGS, { method: 'POST', key: null, body: {} })).status).toBe(401);
    expect((await api(LOGS, { method: 'POST', project: 'revoked', body: {} })).status).toBe(401);
    // An empty export is fine, in either encoding.
    expect(await (await api(LOGS, { method: 'POST', body: { resourceLogs: [] } })).json()).toEqual({});
    const empty = await api(LOGS, { method: 'POST', body: new Uint8Array(0), headers: proto });
    expect(empty.status).toBe(200);
    expect(empty.headers.get('content-type')).toBe('application/x-protobuf');
  });
});
