import 'server-only';
import {
  chunkEvent,
  contentChunks,
  lastUserText,
  messageText,
  type StepContent,
  type ToolCallContent,
  type TranscriptEvent,
  toolInputChunk,
  toolResultChunk,
  type UsagePayload,
  usageEvent,
  userMessageEvent,
} from '@runledger/sdk/transcript';
import type { OtelAttributes, OtelSpan, OtelValue } from './decode';
import { EVALUATION_EVENT, evaluationEvent, evaluationOf } from './evaluation';

/**
 * An event derived from a span; `at` is nanoseconds since the epoch (its place on the timeline). A
 * tool call's input is told by the model call that made it (`call`: the call id) and by the tool span
 * that ran it (`ifNoCall`): the tool span's is laid out only when no span of the run has the model's.
 */
export type SpanEvent = TranscriptEvent & { at: string; call?: string; ifNoCall?: string };

export type MappedSpan = {
  events: SpanEvent[];
  /** Tokens of a model call (never of an agent/operation span, whose usage sums its children's). */
  usage: UsagePayload | null;
};

const STATUS_ERROR = 2;

/** The operation a span stands for, from the GenAI conventions or the AI SDK's legacy ai.* names. */
export function operationOf(span: OtelSpan): string | null {
  const op = span.attributes['gen_ai.operation.name'];
  if (typeof op === 'string' && op) return op;
  const legacy = span.attributes['ai.operationId'];
  const id = typeof legacy === 'string' ? legacy : span.name.split(' ')[0]!;
  if (id === 'ai.toolCall') return 'execute_tool';
  if (/^ai\.(generate|stream)(Text|Object)\.do(Generate|Stream)$/.test(id)) return 'chat';
  if (/^ai\.(generate|stream)(Text|Object)$/.test(id)) return 'invoke_agent';
  if (/^ai\.embed(Many)?\.doEmbed$/.test(id)) return 'embeddings';
  return null;
}

/** Operations whose usage is the sum of their children's: counting it too would count tokens twice. */
const AGGREGATE_OPS = new Set([
  'invoke_agent',
  'create_agent',
  'invoke_workflow',
  'agent_step',
  'model_generation',
]);

/**
 * Mastra's spans around a model call (`mastra.span.type`): the generation holding the steps, a step,
 * a streamed chunk. What they say is on the agent, chat and tool spans too, so they add nothing to
 * the transcript (but the user's turn, from a root one's input).
 */
const MASTRA_STRUCTURAL = new Set(['model_generation', 'model_step', 'model_chunk']);

/**
 * The run events of one span, a pure function of the span (so re-sent and reordered exports give the
 * same events): model calls become a user turn, a step with reasoning/text/tool calls and a usage
 * event; tool executions become tool input/output; agent spans open and close the assistant message;
 * every other span is kept as a generic `otel-span` event with its attributes.
 */
export function mapSpan(span: OtelSpan): MappedSpan {
  const op = operationOf(span);
  const start = String(span.startNs);
  const end = String(span.endNs);
  // Built field by field: a spread here was the costliest line of the OTLP ingest in a CPU profile.
  const at = (ts: string, e: TranscriptEvent): SpanEvent => ({ type: e.type, payload: e.payload, at: ts });
  const failed = span.status.code === STATUS_ERROR;
  const usage = op && !AGGREGATE_OPS.has(op) ? usageOf(span) : null;
  const events: SpanEvent[] = [];

  if (op === 'chat' || op === 'text_completion' || op === 'generate_content') {
    const input = jsonAttr(span.attributes, 'gen_ai.input.messages', 'ai.prompt.messages');
    const userText = lastUserText(input);
    if (userText !== undefined) events.push(at(start, userMessageEvent(userText)));
    if (input !== undefined)
      events.push(at(start, { type: 'prompt', payload: { spanId: span.spanId, messages: input } }));
    events.push(at(start, chunkEvent({ type: 'start-step' })));
    for (const chunk of contentChunks(span.spanId, outputContent(span.attributes))) {
      const e = at(end, chunkEvent(chunk));
      if (chunk.type === 'tool-input-available' && chunk.toolCallId) e.call = chunk.toolCallId;
      events.push(e);
    }
    if (failed) events.push(at(end, chunkEvent({ type: 'error', errorText: errorText(span) })));
    events.push(at(end, chunkEvent({ type: 'finish-step' })));
  } else if (op === 'execute_tool') {
    const a = span.attributes;
    const toolCallId = str(a['gen_ai.tool.call.id']) ?? str(a['ai.toolCall.id']) ?? span.spanId;
    const toolName = str(a['gen_ai.tool.name']) ?? str(a['ai.toolCall.name']) ?? span.name;
    const input = jsonAttr(a, 'gen_ai.tool.call.arguments', 'ai.toolCall.args') ?? {};
    events.push({
      ...at(start, chunkEvent(toolInputChunk({ toolCallId, toolName, input }))),
      ifNoCall: toolCallId,
    });
    const result = failed
      ? { error: errorText(span) }
      : { output: jsonAttr(a, 'gen_ai.tool.call.result', 'ai.toolCall.result') ?? null };
    events.push(at(end, chunkEvent(toolResultChunk(toolCallId, result))));
  } else if (op === 'invoke_agent' || op === 'create_agent') {
    // The user's turn, when the agent span carries it (Mastra's), comes before the answer opens.
    const userText = mastraUserText(span);
    if (userText !== undefined) events.push(at(start, userMessageEvent(userText)));
    events.push(at(start, chunkEvent({ type: 'start' })));
    if (failed) events.push(at(end, chunkEvent({ type: 'error', errorText: errorText(span) })));
    events.push(at(end, chunkEvent({ type: 'finish' })));
  } else if (!failed && MASTRA_STRUCTURAL.has(str(span.attributes['mastra.span.type']) ?? '')) {
    const userText = span.parentSpanId === null ? mastraUserText(span) : undefined;
    if (userText !== undefined) events.push(at(start, userMessageEvent(userText)));
  } else {
    events.push(at(start, genericEvent(span)));
  }
  for (const e of span.events) {
    if (e.name === EVALUATION_EVENT)
      events.push(at(String(e.timeNs), evaluationEvent(evaluationOf(e.attributes), span.spanId)));
  }
  if (usage) events.push(at(end, usageEvent(usage)));
  return { events, usage };
}

function genericEvent(span: OtelSpan): TranscriptEvent {
  return {
    type: 'otel-span',
    payload: {
      spanId: span.spanId,
      parentSpanId: span.parentSpanId,
      name: span.name,
      kind: span.kind,
      durationMs: Number(span.endNs - span.startNs) / 1e6,
      status: span.status,
      attributes: span.attributes,
      ...(span.events.length
        ? { events: span.events.map((e) => ({ name: e.name, attributes: e.attributes })) }
        : {}),
    },
  };
}

function outputContent(a: OtelAttributes): StepContent {
  const messages = jsonAttr(a, 'gen_ai.output.messages');
  if (Array.isArray(messages)) {
    const content: Required<StepContent> = { reasoning: [], text: [], toolCalls: [] };
    for (const m of messages) {
      const parts = isRecord(m) && Array.isArray(m.parts) ? m.parts : [];
      for (const p of parts) {
        if (!isRecord(p)) continue;
        if (p.type === 'text' && typeof p.content === 'string') content.text.push(p.content);
        else if (p.type === 'reasoning' && typeof p.content === 'string') content.reasoning.push(p.content);
        else if (p.type === 'tool_call') {
          content.toolCalls.push({
            toolCallId: str(p.id) ?? '',
            toolName: str(p.name) ?? 'tool',
            input: parseMaybe(p.arguments),
          });
        }
      }
    }
    return content;
  }
  // Legacy ai.* attributes: the text and the tool calls as JSON.
  const text = str(a['ai.response.text']);
  const reasoning = str(a['ai.response.reasoning']);
  const calls = jsonAttr(a, 'ai.response.toolCalls');
  const toolCalls: ToolCallContent[] = Array.isArray(calls)
    ? calls.filter(isRecord).map((c) => ({
        toolCallId: str(c.toolCallId) ?? '',
        toolName: str(c.toolName) ?? 'tool',
        input: parseMaybe(c.input ?? c.args),
      }))
    : [];
  return { text: text ? [text] : [], reasoning: reasoning ? [reasoning] : [], toolCalls };
}

function usageOf(span: OtelSpan): UsagePayload | null {
  const a = span.attributes;
  const input =
    num(a['gen_ai.usage.input_tokens']) ?? num(a['ai.usage.inputTokens']) ?? num(a['ai.usage.promptTokens']);
  const output =
    num(a['gen_ai.usage.output_tokens']) ??
    num(a['ai.usage.outputTokens']) ??
    num(a['ai.usage.completionTokens']);
  if (input === undefined && output === undefined) return null;
  const model = modelOf(span);
  return { inputTokens: input ?? 0, outputTokens: output ?? 0, ...(model ? { model } : {}) };
}

export function modelOf(span: OtelSpan): string | undefined {
  const a = span.attributes;
  return (
    str(a['gen_ai.response.model']) ??
    str(a['gen_ai.request.model']) ??
    str(a['ai.response.model']) ??
    str(a['ai.model.id'])
  );
}

export function errorText(span: OtelSpan): string {
  const exception = span.events.find((e) => e.name === 'exception');
  return (
    span.status.message ??
    str(exception?.attributes['exception.message']) ??
    str(span.attributes['error.type']) ??
    'The span ended with an error'
  );
}

/**
 * The final answer of an agent span, from its output messages, Mastra's run output (`{ text }`) or
 * the legacy ai.response.text.
 */
export function outputTextOf(span: OtelSpan): string | undefined {
  const messages = jsonAttr(span.attributes, 'gen_ai.output.messages');
  if (Array.isArray(messages) && messages.length > 0)
    return messageText(messages[messages.length - 1]) || undefined;
  const mastra = jsonAttr(span.attributes, 'mastra.agent_run.output');
  if (typeof mastra === 'string') return str(mastra);
  if (isRecord(mastra) && typeof mastra.text === 'string') return str(mastra.text);
  return str(span.attributes['ai.response.text']);
}

/** Mastra's input attribute of each span type that carries the user's messages. */
const MASTRA_INPUT_KEYS = [
  'mastra.agent_run.input',
  'mastra.model_generation.input',
  'mastra.model_step.input',
];

/**
 * The user's message a Mastra span was given: its input as plain text, or the last message of its
 * input messages (a list, or `{ messages }`) when that is the user's.
 */
export function mastraUserText(span: OtelSpan): string | undefined {
  const input = jsonAttr(span.attributes, ...MASTRA_INPUT_KEYS);
  if (typeof input === 'string') return str(input);
  const messages = isRecord(input) ? input.messages : input;
  const text = lastUserText(messages);
  return text === '' ? undefined : text;
}

/** An attribute holding JSON (as a string, as the conventions say, or already structured). */
function jsonAttr(a: OtelAttributes, ...keys: string[]): unknown {
  for (const key of keys) {
    if (a[key] !== undefined && a[key] !== null) return parseMaybe(a[key]);
  }
  return undefined;
}

function parseMaybe(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
export const str = (v: OtelValue | unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : undefined;
const num = (v: OtelValue | undefined): number | undefined => {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? Math.round(n) : undefined;
};
