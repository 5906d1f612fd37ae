import 'server-only';
import { createHash } from 'node:crypto';
import type { OtelAttributes, OtelSpan, OtelValue } from './decode';
import { errorText, mastraUserText, modelOf, operationOf, outputTextOf, str } from './map';

/**
 * A trace's run id: a uuid (version 8) hashed from the project and the trace id, so every export of
 * the trace lands in the same run without a lookup, and two projects never share one.
 */
export function traceRunId(projectId: string, traceId: string): string {
  const h = createHash('sha256').update(`${projectId}:otel:${traceId}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x80;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** What any span of a trace may tell about its run (the first span that has it wins). */
export type TraceFacts = {
  userId: string | null;
  threadId: string | null;
  model: string | null;
  startedAt: string;
};

/** What only the root span tells: the run's name, outcome and times. */
export type RootFacts = {
  name: string;
  status: 'succeeded' | 'failed';
  startedAt: string;
  endedAt: string;
  error: { name: string; message: string } | null;
  /** The user's message, where the root span carries it (Mastra's agent run). */
  input: { text: string } | null;
  output: { text: string } | null;
  tags: string[];
  metadata: Record<string, unknown>;
};

const USER_KEYS = [
  'user.id',
  'enduser.id',
  'ai.telemetry.metadata.userId',
  'ai.settings.context.userId',
  'langfuse.user.id',
  'mastra.metadata.userId',
];
const THREAD_KEYS = [
  'gen_ai.conversation.id',
  'session.id',
  'ai.telemetry.metadata.threadId',
  'ai.telemetry.metadata.sessionId',
  'ai.settings.context.threadId',
  'langfuse.session.id',
  'mastra.metadata.threadId',
];
const TAG_KEYS = ['runledger.tags', 'tags', 'langfuse.trace.tags', 'mastra.tags'];

const pick = (keys: string[], ...sources: OtelAttributes[]): string | null => {
  for (const source of sources) {
    for (const key of keys) {
      const v = source[key];
      if (typeof v === 'string' && v) return v.slice(0, 500);
      if (typeof v === 'number') return String(v);
    }
  }
  return null;
};

export const nsToIso = (ns: bigint) => new Date(Number(ns / 1_000_000n)).toISOString();

export function traceFacts(spans: OtelSpan[]): TraceFacts {
  let facts: TraceFacts = {
    userId: null,
    threadId: null,
    model: null,
    startedAt: nsToIso(spans[0]!.startNs),
  };
  let earliest = spans[0]!.startNs;
  for (const s of spans) {
    if (s.startNs < earliest) earliest = s.startNs;
    facts = {
      userId: facts.userId ?? pick(USER_KEYS, s.attributes, s.resource),
      threadId: facts.threadId ?? pick(THREAD_KEYS, s.attributes, s.resource),
      model: facts.model ?? (operationOf(s) ? (modelOf(s) ?? null) : null),
      startedAt: facts.startedAt,
    };
  }
  return { ...facts, startedAt: nsToIso(earliest) };
}

export function rootFacts(root: OtelSpan): RootFacts {
  const a = root.attributes;
  const failed = root.status.code === 2;
  const output = outputTextOf(root);
  const input = mastraUserText(root);
  const tagsValue = jsonList(TAG_KEYS.map((k) => a[k]).find((v) => v !== undefined));
  const tags = Array.isArray(tagsValue)
    ? tagsValue.filter((t): t is string => typeof t === 'string').slice(0, 50)
    : typeof tagsValue === 'string'
      ? tagsValue
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean)
      : [];
  const service = str(root.resource['service.name']);
  const name =
    str(a['gen_ai.agent.name']) ?? str(a['ai.telemetry.functionId']) ?? str(a['resource.name']) ?? root.name;
  return {
    name: name.slice(0, 200),
    status: failed ? 'failed' : 'succeeded',
    startedAt: nsToIso(root.startNs),
    endedAt: nsToIso(root.endNs),
    error: failed ? { name: str(a['error.type']) ?? 'SpanError', message: errorText(root) } : null,
    input: input ? { text: input } : null,
    output: output ? { text: output } : null,
    tags,
    metadata: {
      otelTraceId: root.traceId,
      ...(service ? { serviceName: service } : {}),
      ...(root.scope ? { otelScope: root.scope } : {}),
    },
  };
}

/** A list sent as a JSON string (Mastra's `mastra.tags`), else the value as it is. */
function jsonList(v: OtelValue | undefined): OtelValue | undefined {
  if (typeof v !== 'string' || !v.startsWith('[')) return v;
  try {
    const parsed: unknown = JSON.parse(v);
    return Array.isArray(parsed) ? parsed.filter((t): t is string => typeof t === 'string') : v;
  } catch {
    return v;
  }
}
