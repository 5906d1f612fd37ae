import { serializeError } from './errors';
import type { Call } from './telemetry-calls';
import type { TelemetryEvent } from './telemetry-run';
import {
  chunkEvent,
  contentChunks,
  lastUserText,
  type StepContent,
  type TranscriptEvent,
  toolInputChunk,
  toolResultChunk,
  usageEvent,
  userMessageEvent,
} from './transcript';

/**
 * The transcript events of a call's steps, one function per telemetry event: the prompt, the model's
 * reasoning, text and tool calls, the tools' outputs or errors, and the step's usage. Each moves the
 * call's place in its transcript (`call`) and returns the events to record, in order.
 */

export function stepStartEvents(call: Call, e: TelemetryEvent<'onStepStart'>): TranscriptEvent[] {
  const events: TranscriptEvent[] = [];
  call.stepNumber = e.stepNumber;
  const fresh = e.messages.slice(call.seenMessages);
  call.seenMessages = e.messages.length;
  const userText = lastUserText(fresh);
  if (userText !== undefined) events.push(userMessageEvent(userText));
  if (fresh.length > 0) {
    events.push({ type: 'prompt', payload: { stepNumber: e.stepNumber, messages: toJson(fresh) } });
  }
  events.push(chunkEvent({ type: 'start-step' }));
  return events;
}

export function modelCallEvents(call: Call, e: TelemetryEvent<'onLanguageModelCallEnd'>): TranscriptEvent[] {
  const content: Required<StepContent> = { reasoning: [], text: [], toolCalls: [] };
  for (const part of e.content) {
    if (part.type === 'text') content.text.push(part.text);
    else if (part.type === 'reasoning') content.reasoning.push(part.text);
    else if (part.type === 'tool-call') {
      content.toolCalls.push({
        toolCallId: part.toolCallId,
        toolName: part.toolName,
        input: toJson(part.input),
      });
      call.toolInputs.add(part.toolCallId);
    }
  }
  return [
    ...contentChunks(`s${call.stepNumber}`, content).map((chunk) => chunkEvent(chunk)),
    {
      type: 'model-call',
      payload: {
        stepNumber: call.stepNumber,
        provider: e.provider,
        modelId: e.modelId,
        finishReason: e.finishReason,
        responseTimeMs: e.performance?.responseTimeMs,
      },
    },
  ];
}

/** A tool call's input, unless the model call that made it recorded it already. */
export function toolStartEvents(call: Call, e: TelemetryEvent<'onToolExecutionStart'>): TranscriptEvent[] {
  if (call.toolInputs.has(e.toolCall.toolCallId)) return [];
  call.toolInputs.add(e.toolCall.toolCallId);
  const { toolCallId, toolName, input } = e.toolCall;
  return [chunkEvent(toolInputChunk({ toolCallId, toolName, input: toJson(input) }))];
}

export function toolEndEvents(e: TelemetryEvent<'onToolExecutionEnd'>): TranscriptEvent[] {
  const out = e.toolOutput;
  const error = out.type === 'tool-error' ? serializeError(out.error) : undefined;
  const result = error ? { error: error.message } : { output: toJson((out as { output?: unknown }).output) };
  return [
    chunkEvent(toolResultChunk(e.toolCall.toolCallId, result)),
    {
      type: 'tool-execution',
      payload: {
        toolCallId: e.toolCall.toolCallId,
        toolName: e.toolCall.toolName,
        durationMs: e.toolExecutionMs,
        ...(error ? { error } : {}),
      },
    },
  ];
}

export function stepEndEvents(e: TelemetryEvent<'onStepEnd'>): TranscriptEvent[] {
  const events: TranscriptEvent[] = [];
  const { inputTokens, outputTokens } = e.usage;
  if (inputTokens !== undefined || outputTokens !== undefined) {
    events.push(
      usageEvent({ inputTokens: inputTokens ?? 0, outputTokens: outputTokens ?? 0, model: e.model.modelId }),
    );
  }
  events.push(chunkEvent({ type: 'finish-step' }));
  return events;
}

/** A value as JSON (tool inputs and outputs may hold Dates, class instances, undefined). */
function toJson(value: unknown): unknown {
  if (value === undefined) return null;
  try {
    return JSON.parse(JSON.stringify(value)) ?? null;
  } catch {
    return String(value);
  }
}
