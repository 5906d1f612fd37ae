import type { Telemetry } from 'ai';
import type { CreateRunInput, ScoreInput } from './contract';
import {
  chunkEvent,
  contentChunks,
  lastUserText,
  type StepContent,
  statusEvent,
  type TranscriptEvent,
  toolInputChunk,
  toolResultChunk,
  usageEvent,
  userMessageEvent,
} from './transcript';
import { Runledger } from './client';
import { serializeError } from './errors';
import { Shipper, type ShipperOptions } from './shipper';
import type { RunledgerOptions } from './types';

export type RunledgerTelemetryOptions = Partial<Pick<RunledgerOptions, 'baseUrl' | 'apiKey'>> &
  ShipperOptions & {
    /** A client to send with (else one is made from baseUrl/apiKey). */
    client?: Runledger;
    /** Fields every run gets (e.g. `{ tags: ['prod'] }`); the call's own values win. */
    run?: Partial<CreateRunInput>;
  };

export type RunledgerTelemetry = Telemetry & {
  /** Sends everything captured so far; await it before a serverless function or a process ends. */
  flush(): Promise<void>;
  /** Events dropped so far (memory bound reached, or runledger unreachable after retries). */
  readonly dropped: number;
  /**
   * Scores a recorded run (or a step, `seq`) as `Runledger.addScores` does (sent at once, resolving
   * with the server's answer), once what was captured so far is sent (so the run exists). The run's id is the one the call chose through the runtime context's
   * `runledgerRunId` (a UUID; include it with `telemetry.includeRuntimeContext`).
   */
  score(
    runId: string,
    scores: Omit<ScoreInput, 'runId'> | Omit<ScoreInput, 'runId'>[],
  ): Promise<{ accepted: number; duplicates: number; ids: string[] }>;
};

/** The runtime-context key through which a call chooses its run's id (so the app can score it). */
const RUN_ID_KEY = 'runledgerRunId';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Call = {
  runId: string;
  seq: number;
  /** Prompt messages already recorded (each step sends the whole conversation so far). */
  seenMessages: number;
  /** Tool calls whose input is recorded. */
  toolInputs: Set<string>;
  stepNumber: number;
};

/** Runtime-context keys (include them with `telemetry.includeRuntimeContext`) that become run fields. */
const USER_KEYS = ['userId', 'user'];
const THREAD_KEYS = ['threadId', 'sessionId', 'conversationId'];

/**
 * An AI SDK telemetry integration: `registerTelemetry(runledgerTelemetry({ baseUrl, apiKey }))` once
 * makes every `generateText` / `streamText` / `ToolLoopAgent` call a run, with no change at the call
 * sites. The run's name is `telemetry.functionId`; the runtime context's `userId`, `threadId`
 * (or `sessionId`), `tags` become the run's fields, its other included keys the run's metadata.
 * Each step becomes the prompt, the model's reasoning, text and tool calls, the tools' outputs or
 * errors, and a `usage` event (run totals and the usage ledger), at the times they happened.
 *
 * Nothing waits for runledger: the handlers only queue (see {@link Shipper}), and a failure inside
 * them is swallowed, so the app's calls behave as without it.
 */
export function runledgerTelemetry(options: RunledgerTelemetryOptions): RunledgerTelemetry {
  const client =
    options.client ?? new Runledger({ baseUrl: options.baseUrl ?? '', apiKey: options.apiKey ?? '' });
  const shipper = new Shipper(client, options);
  const calls = new Map<string, Call>();

  const at = (e: { timestamp?: number }) => new Date(e.timestamp ?? Date.now()).toISOString();
  const push = (call: Call, ev: TranscriptEvent, ts: string) => {
    shipper.event(call.runId, { seq: call.seq++, type: ev.type, ts, payload: ev.payload as never });
  };
  /** Telemetry must never break the app: every handler is guarded. */
  const guard =
    <E>(fn: (e: E) => void) =>
    (e: E) => {
      try {
        fn(e);
      } catch (err) {
        options.onWarning?.(`telemetry handler failed: ${String(err)}`);
      }
    };
  const end = (callId: string, status: 'succeeded' | 'failed' | 'cancelled', ts: string, extra: object) => {
    const call = calls.get(callId);
    if (!call) return;
    calls.delete(callId);
    push(call, statusEvent(status), ts);
    shipper.finishRun(call.runId, { status, endedAt: ts, ...extra });
  };

  const integration: Telemetry = {
    onStart: guard((e) => {
      if (e.operationId !== 'ai.generateText' && e.operationId !== 'ai.streamText') return;
      const start = e as typeof e & { messages?: unknown[]; modelId?: string; provider?: string };
      const ts = at(e);
      const ctx = { ...((e as { runtimeContext?: Record<string, unknown> }).runtimeContext ?? {}) };
      const chosen = ctx[RUN_ID_KEY];
      delete ctx[RUN_ID_KEY];
      const runId =
        typeof chosen === 'string' && UUID.test(chosen) ? chosen.toLowerCase() : crypto.randomUUID();
      const take = (keys: string[]) => {
        let found: string | undefined;
        for (const k of keys) {
          if (typeof ctx[k] === 'string' && !found) found = ctx[k] as string;
          if (k in ctx && typeof ctx[k] === 'string') delete ctx[k];
        }
        return found;
      };
      const userId = take(USER_KEYS);
      const threadId = take(THREAD_KEYS);
      const tags = Array.isArray(ctx.tags) ? ctx.tags.filter((t): t is string => typeof t === 'string') : [];
      delete ctx.tags;
      const userText = lastUserText(start.messages);
      const base = options.run ?? {};
      shipper.createRun(runId, {
        kind: 'chat',
        ...base,
        id: runId,
        name: (e.functionId ?? base.name ?? titleOf(userText) ?? e.operationId).slice(0, 200),
        status: 'running',
        startedAt: ts,
        model: start.modelId ?? base.model,
        ...((userId ?? base.userId) ? { userId: userId ?? base.userId } : {}),
        ...((threadId ?? base.threadId) ? { threadId: threadId ?? base.threadId } : {}),
        tags: [...new Set([...(base.tags ?? []), ...tags])],
        metadata: { ...base.metadata, ...ctx, operationId: e.operationId, provider: start.provider },
        ...(userText !== undefined ? { input: { text: userText } } : {}),
      });
      calls.set(e.callId, { runId, seq: 0, seenMessages: 0, toolInputs: new Set(), stepNumber: 0 });
      const call = calls.get(e.callId)!;
      push(call, chunkEvent({ type: 'start' }), ts);
    }),

    onStepStart: guard((e) => {
      const call = calls.get(e.callId);
      if (!call) return;
      const ts = at(e);
      call.stepNumber = e.stepNumber;
      const fresh = e.messages.slice(call.seenMessages);
      call.seenMessages = e.messages.length;
      const userText = lastUserText(fresh);
      if (userText !== undefined) push(call, userMessageEvent(userText), ts);
      if (fresh.length > 0) {
        push(call, { type: 'prompt', payload: { stepNumber: e.stepNumber, messages: toJson(fresh) } }, ts);
      }
      push(call, chunkEvent({ type: 'start-step' }), ts);
    }),

    onLanguageModelCallEnd: guard((e) => {
      const call = calls.get(e.callId);
      if (!call) return;
      const ts = at(e);
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
      for (const chunk of contentChunks(`s${call.stepNumber}`, content)) push(call, chunkEvent(chunk), ts);
      push(
        call,
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
        ts,
      );
    }),

    onToolExecutionStart: guard((e) => {
      const call = calls.get(e.callId);
      if (!call || call.toolInputs.has(e.toolCall.toolCallId)) return;
      call.toolInputs.add(e.toolCall.toolCallId);
      const { toolCallId, toolName, input } = e.toolCall;
      push(call, chunkEvent(toolInputChunk({ toolCallId, toolName, input: toJson(input) })), at(e));
    }),

    onToolExecutionEnd: guard((e) => {
      const call = calls.get(e.callId);
      if (!call) return;
      const ts = at(e);
      const out = e.toolOutput;
      const error = out.type === 'tool-error' ? serializeError(out.error) : undefined;
      const result = error
        ? { error: error.message }
        : { output: toJson((out as { output?: unknown }).output) };
      push(call, chunkEvent(toolResultChunk(e.toolCall.toolCallId, result)), ts);
      push(
        call,
        {
          type: 'tool-execution',
          payload: {
            toolCallId: e.toolCall.toolCallId,
            toolName: e.toolCall.toolName,
            durationMs: e.toolExecutionMs,
            ...(error ? { error } : {}),
          },
        },
        ts,
      );
    }),

    onStepEnd: guard((e) => {
      const call = calls.get(e.callId);
      if (!call) return;
      const ts = at(e);
      const { inputTokens, outputTokens } = e.usage;
      if (inputTokens !== undefined || outputTokens !== undefined) {
        push(
          call,
          usageEvent({
            inputTokens: inputTokens ?? 0,
            outputTokens: outputTokens ?? 0,
            model: e.model.modelId,
          }),
          ts,
        );
      }
      push(call, chunkEvent({ type: 'finish-step' }), ts);
    }),

    onEnd: guard((e) => {
      if (!('callId' in e) || !calls.has(e.callId)) return;
      const ts = at(e);
      const finish = e as { finishReason?: string; text?: string };
      push(
        calls.get(e.callId)!,
        chunkEvent({ type: 'finish', finishReason: finish.finishReason as never }),
        ts,
      );
      end(
        e.callId,
        'succeeded',
        ts,
        typeof finish.text === 'string' ? { output: { text: finish.text } } : {},
      );
    }),

    onAbort: guard((e) => {
      const call = calls.get(e.callId);
      if (!call) return;
      const ts = at(e);
      push(
        call,
        chunkEvent({ type: 'abort', ...(typeof e.reason === 'string' ? { reason: e.reason } : {}) }),
        ts,
      );
      end(e.callId, 'cancelled', ts, {});
    }),

    onError: guard((raw) => {
      const e = raw as { callId?: string; error?: unknown; timestamp?: number };
      if (!e?.callId) return;
      const call = calls.get(e.callId);
      if (!call) return;
      const ts = at(e);
      const error = serializeError(e.error);
      push(call, chunkEvent({ type: 'error', errorText: error.message }), ts);
      end(e.callId, 'failed', ts, { error });
    }),
  };

  return Object.defineProperties(integration, {
    flush: { value: () => shipper.flush() },
    dropped: { get: () => shipper.dropped },
    score: {
      value: async (runId: string, scores: Omit<ScoreInput, 'runId'> | Omit<ScoreInput, 'runId'>[]) => {
        await shipper.flush();
        return client.addScores((Array.isArray(scores) ? scores : [scores]).map((x) => ({ ...x, runId })));
      },
    },
  }) as RunledgerTelemetry;
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

function titleOf(text: string | undefined): string | undefined {
  const line = text?.trim().split('\n')[0]?.trim();
  if (!line) return undefined;
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}
