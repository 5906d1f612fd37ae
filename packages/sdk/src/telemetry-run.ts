import type { Telemetry } from 'ai';
import type { CreateRunInput } from './contract';
import { lastUserText } from './transcript';

/** The event a telemetry handler `K` receives. */
export type TelemetryEvent<K extends keyof Telemetry> =
  NonNullable<Telemetry[K]> extends (e: infer E) => unknown ? E : never;

/** The runtime-context key through which a call chooses its run's id (so the app can score it). */
const RUN_ID_KEY = 'runledgerRunId';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Runtime-context keys (include them with `telemetry.includeRuntimeContext`) that become run fields. */
const USER_KEYS = ['userId', 'user'];
const THREAD_KEYS = ['threadId', 'sessionId', 'conversationId'];

/**
 * The run a `generateText` / `streamText` call starts (undefined for other operations): its id (the
 * runtime context's `runledgerRunId` when a UUID, else a new one) and fields, from the call's start
 * event over `base` (the integration's `run` option; the call's own values win).
 */
export function runOfStart(
  e: TelemetryEvent<'onStart'>,
  base: Partial<CreateRunInput>,
  ts: string,
): { runId: string; run: CreateRunInput } | undefined {
  if (e.operationId !== 'ai.generateText' && e.operationId !== 'ai.streamText') return undefined;
  const start = e as typeof e & { messages?: unknown[]; modelId?: string; provider?: string };
  const ctx = { ...((e as { runtimeContext?: Record<string, unknown> }).runtimeContext ?? {}) };
  const chosen = ctx[RUN_ID_KEY];
  delete ctx[RUN_ID_KEY];
  const runId = typeof chosen === 'string' && UUID.test(chosen) ? chosen.toLowerCase() : crypto.randomUUID();
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
  return {
    runId,
    run: {
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
    },
  };
}

function titleOf(text: string | undefined): string | undefined {
  const line = text?.trim().split('\n')[0]?.trim();
  if (!line) return undefined;
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}
