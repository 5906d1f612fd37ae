import type { UIMessageChunk } from 'ai';

/**
 * How what a model did becomes run events the replay renders: AI SDK UI message chunks stored as
 * `{ type: chunk.type, payload: chunk }`, plus runledger's own `user-message`, `usage` and `status`.
 * The recorder (wrapped streams), the telemetry integration and the OTLP endpoint all build their
 * events here, so a run reads the same whichever way it arrived.
 */
export type TranscriptEvent = { type: string; payload: unknown };

const UI_CHUNK_TYPES = new Set([
  'start',
  'start-step',
  'finish-step',
  'finish',
  'abort',
  'error',
  'message-metadata',
  'text-start',
  'text-delta',
  'text-end',
  'reasoning-start',
  'reasoning-delta',
  'reasoning-end',
  'tool-input-start',
  'tool-input-delta',
  'tool-input-available',
  'tool-input-error',
  'tool-output-available',
  'tool-output-error',
  'tool-output-denied',
  'tool-approval-request',
  'source-url',
  'source-document',
  'file',
]);

/** Whether an event type is an AI SDK UI message chunk (the rest are runledger's or the app's own). */
export const isUiChunk = (type: string) => UI_CHUNK_TYPES.has(type) || type.startsWith('data-');

export const chunkEvent = (chunk: UIMessageChunk): TranscriptEvent => ({ type: chunk.type, payload: chunk });

export const userMessageEvent = (text: string): TranscriptEvent => ({
  type: 'user-message',
  payload: { text },
});

export type UsagePayload = { inputTokens: number; outputTokens: number; model?: string; costUsd?: number };

export const usageEvent = (usage: UsagePayload): TranscriptEvent => ({
  type: 'usage',
  payload: {
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    ...(usage.model ? { model: usage.model } : {}),
    ...(usage.costUsd !== undefined ? { costUsd: usage.costUsd } : {}),
  },
});

export const statusEvent = (status: string): TranscriptEvent => ({ type: 'status', payload: { status } });

export type ToolCallContent = { toolCallId: string; toolName: string; input: unknown };

/** What one model call produced, in order of kind: reasoning, then text, then tool calls. */
export type StepContent = { reasoning?: string[]; text?: string[]; toolCalls?: ToolCallContent[] };

/**
 * The chunks of one model call's output. `idPrefix` makes the text/reasoning part ids unique within
 * the run (a step number, a span id).
 */
export function contentChunks(idPrefix: string, content: StepContent): UIMessageChunk[] {
  const out: UIMessageChunk[] = [];
  (content.reasoning ?? []).forEach((delta, i) => {
    if (!delta) return;
    const id = `${idPrefix}-r${i}`;
    out.push(
      { type: 'reasoning-start', id },
      { type: 'reasoning-delta', id, delta },
      { type: 'reasoning-end', id },
    );
  });
  (content.text ?? []).forEach((delta, i) => {
    if (!delta) return;
    const id = `${idPrefix}-t${i}`;
    out.push({ type: 'text-start', id }, { type: 'text-delta', id, delta }, { type: 'text-end', id });
  });
  for (const call of content.toolCalls ?? []) out.push(toolInputChunk(call));
  return out;
}

export const toolInputChunk = (call: ToolCallContent): UIMessageChunk => ({
  type: 'tool-input-available',
  toolCallId: call.toolCallId,
  toolName: call.toolName,
  input: call.input ?? {},
});

export const toolResultChunk = (
  toolCallId: string,
  result: { output: unknown } | { error: string },
): UIMessageChunk =>
  'error' in result
    ? { type: 'tool-output-error', toolCallId, errorText: result.error }
    : { type: 'tool-output-available', toolCallId, output: result.output ?? null };

/** The text of a message in either the AI SDK's shape (`content`) or the GenAI conventions' (`parts`). */
export function messageText(message: unknown): string {
  if (!message || typeof message !== 'object') return '';
  const m = message as { content?: unknown; parts?: unknown };
  if (typeof m.content === 'string') return m.content;
  const parts = Array.isArray(m.content) ? m.content : Array.isArray(m.parts) ? m.parts : [];
  return parts
    .map((p) => {
      if (!p || typeof p !== 'object' || (p as { type?: unknown }).type !== 'text') return '';
      const part = p as { text?: unknown; content?: unknown };
      return typeof part.text === 'string' ? part.text : typeof part.content === 'string' ? part.content : '';
    })
    .filter(Boolean)
    .join('\n');
}

/** The text of the last message when it is the user's (a fresh user turn), else undefined. */
export function lastUserText(messages: unknown): string | undefined {
  if (!Array.isArray(messages) || messages.length === 0) return undefined;
  const last = messages[messages.length - 1] as { role?: unknown } | null;
  if (last?.role !== 'user') return undefined;
  return messageText(last);
}
