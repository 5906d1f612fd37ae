import { type Span, SpanStatusCode, type Tracer, context, trace } from '@opentelemetry/api';
import type { Logger } from '@opentelemetry/api-logs';
import {
  JsonLogsSerializer,
  JsonTraceSerializer,
  ProtobufLogsSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import {
  InMemoryLogRecordExporter,
  type LogRecordExporter,
  LoggerProvider,
  type ReadableLogRecord,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/** A tracer provider (the real SDK) exporting to `exporter` span by span. */
export function tracerWith(exporter: SpanExporter) {
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { provider, tracer: provider.getTracer('runledger-tests') };
}

const ms = (base: number, offset: number) => base + offset;

/**
 * A GenAI-conventions agent run as the AI SDK's OpenTelemetry integration emits it: invoke_agent →
 * step 1 (chat with a tool call, execute_tool) → step 2 (chat answering in text), with usage on the
 * chat spans (and the aggregate on the root, which must not count twice). Explicit times, so the
 * expected order is known. Returns the trace id.
 */
export function genAiAgentTrace(
  tracer: Tracer,
  opts: { userId: string; threadId: string; failTool?: boolean },
) {
  const t0 = Date.UTC(2026, 10, 20, 9, 0, 0);
  const root = tracer.startSpan('invoke_agent mock-model', {
    startTime: ms(t0, 0),
    attributes: {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'weather-agent',
      'gen_ai.request.model': 'mock-model',
      'user.id': opts.userId,
      'gen_ai.conversation.id': opts.threadId,
      'gen_ai.input.messages': JSON.stringify([
        { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
      ]),
    },
  });
  const inRoot = trace.setSpan(context.active(), root);
  const child = (name: string, start: number, attributes: Record<string, string | number>, parent = inRoot) =>
    tracer.startSpan(name, { startTime: ms(t0, start), attributes }, parent);

  const step1 = child('step 1', 10, { 'gen_ai.operation.name': 'agent_step' });
  const inStep1 = trace.setSpan(context.active(), step1);
  const chat1 = child(
    'chat mock-model',
    20,
    {
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'mock-model',
      'gen_ai.input.messages': JSON.stringify([
        { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
      ]),
      'gen_ai.output.messages': JSON.stringify([
        {
          role: 'assistant',
          parts: [
            { type: 'reasoning', content: 'I should look it up.' },
            { type: 'tool_call', id: 'call-1', name: 'getWeather', arguments: { city: 'Paris' } },
          ],
          finish_reason: 'tool_call',
        },
      ]),
      'gen_ai.usage.input_tokens': 10,
      'gen_ai.usage.output_tokens': 5,
    },
    inStep1,
  );
  chat1.end(ms(t0, 120));
  const tool = child(
    'execute_tool getWeather',
    130,
    {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'getWeather',
      'gen_ai.tool.call.id': 'call-1',
      'gen_ai.tool.call.arguments': JSON.stringify({ city: 'Paris' }),
      ...(opts.failTool ? {} : { 'gen_ai.tool.call.result': JSON.stringify({ tempC: 21 }) }),
    },
    inStep1,
  );
  if (opts.failTool) tool.setStatus({ code: SpanStatusCode.ERROR, message: 'weather service down' });
  tool.end(ms(t0, 180));
  step1.end(ms(t0, 190));

  const step2 = child('step 2', 200, { 'gen_ai.operation.name': 'agent_step' });
  const chat2 = child(
    'chat mock-model',
    210,
    {
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'mock-model',
      'gen_ai.output.messages': JSON.stringify([
        {
          role: 'assistant',
          parts: [{ type: 'text', content: 'It is 21 °C in Paris.' }],
          finish_reason: 'stop',
        },
      ]),
      'gen_ai.usage.input_tokens': 20,
      'gen_ai.usage.output_tokens': 7,
    },
    trace.setSpan(context.active(), step2),
  );
  chat2.end(ms(t0, 300));
  step2.end(ms(t0, 310));
  root.setAttributes({
    'gen_ai.usage.input_tokens': 30,
    'gen_ai.usage.output_tokens': 12,
    'gen_ai.output.messages': JSON.stringify([
      {
        role: 'assistant',
        parts: [{ type: 'text', content: 'It is 21 °C in Paris.' }],
        finish_reason: 'stop',
      },
    ]),
  });
  root.end(ms(t0, 320));
  return root.spanContext().traceId;
}

/** The legacy AI SDK spans (`ai.generateText` → `ai.generateText.doGenerate`, `ai.toolCall`). */
export function legacyAiSdkTrace(tracer: Tracer, userId: string) {
  const t0 = Date.UTC(2026, 10, 20, 10, 0, 0);
  const root: Span = tracer.startSpan('ai.generateText', {
    startTime: t0,
    attributes: {
      'ai.operationId': 'ai.generateText',
      'ai.telemetry.functionId': 'legacy-fn',
      'ai.telemetry.metadata.userId': userId,
      'ai.model.id': 'legacy-model',
      'ai.usage.promptTokens': 8,
      'ai.usage.completionTokens': 4,
      'ai.response.text': 'Done.',
    },
  });
  const parent = trace.setSpan(context.active(), root);
  const call = tracer.startSpan(
    'ai.generateText.doGenerate',
    {
      startTime: t0 + 5,
      attributes: {
        'ai.operationId': 'ai.generateText.doGenerate',
        'ai.model.id': 'legacy-model',
        'ai.prompt.messages': JSON.stringify([{ role: 'user', content: [{ type: 'text', text: 'Do it' }] }]),
        'ai.response.text': 'Done.',
        'ai.response.toolCalls': JSON.stringify([{ toolCallId: 'c9', toolName: 'act', input: '{"x":1}' }]),
        'ai.usage.promptTokens': 8,
        'ai.usage.completionTokens': 4,
      },
    },
    parent,
  );
  call.end(t0 + 50);
  const tool = tracer.startSpan(
    'ai.toolCall',
    {
      startTime: t0 + 60,
      attributes: {
        'ai.operationId': 'ai.toolCall',
        'ai.toolCall.name': 'act',
        'ai.toolCall.id': 'c9',
        'ai.toolCall.args': '{"x":1}',
        'ai.toolCall.result': '{"ok":true}',
      },
    },
    parent,
  );
  tool.end(t0 + 70);
  const db = tracer.startSpan(
    'db.query',
    { startTime: t0 + 71, attributes: { 'db.system': 'postgresql' } },
    parent,
  );
  db.end(t0 + 72);
  root.end(t0 + 80);
  return root.spanContext().traceId;
}

/** Spans recorded in memory, to serialize by hand (split, reorder, repeat). */
export function memoryTracer() {
  const exporter = new InMemorySpanExporter();
  const { provider, tracer } = tracerWith(exporter);
  return { tracer, provider, spans: () => exporter.getFinishedSpans() as ReadableSpan[] };
}

export const toProtobuf = (spans: ReadableSpan[]) => ProtobufTraceSerializer.serializeRequest(spans)!;
export const toJson = (spans: ReadableSpan[]) => JsonTraceSerializer.serializeRequest(spans)!;

/** A logger provider (the real logs SDK) exporting to `exporter` record by record. */
export function loggerWith(exporter: LogRecordExporter) {
  const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });
  return { provider, logger: provider.getLogger('runledger-tests') };
}

/** Log records kept in memory, to serialize by hand. */
export function memoryLogger() {
  const exporter = new InMemoryLogRecordExporter();
  const { provider, logger } = loggerWith(exporter);
  const records = async () => {
    await provider.forceFlush();
    return exporter.getFinishedLogRecords() as ReadableLogRecord[];
  };
  return { logger, provider, records };
}

/** Emits a log record in the context of a span (its trace and span ids), at `time` (ms). */
export function logInSpan(
  logger: Logger,
  span: { traceId: string; spanId: string },
  record: {
    time: number;
    body?: string;
    eventName?: string;
    severityText?: string;
    attributes?: Record<string, string | number>;
  },
) {
  logger.emit({
    timestamp: record.time,
    body: record.body,
    eventName: record.eventName,
    severityText: record.severityText,
    severityNumber: record.severityText === 'WARN' ? 13 : record.severityText ? 9 : undefined,
    attributes: record.attributes,
    context: trace.setSpanContext(context.active(), { ...span, traceFlags: 1 }),
  });
}

export const logsToProtobuf = (records: ReadableLogRecord[]) =>
  ProtobufLogsSerializer.serializeRequest(records)!;
export const logsToJson = (records: ReadableLogRecord[]) => JsonLogsSerializer.serializeRequest(records)!;
