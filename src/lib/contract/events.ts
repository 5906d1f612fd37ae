import { z } from 'zod';
import { callTokens, costUsd } from './bounds';
import { cursorParam, int32, isJsonValue, isTimestamp, json, MAX_INT32, timestamp } from './common';

/** The payload of a `usage` event; its tokens and cost are added to the run's totals. */
export const usageEventPayload = z.looseObject({
  inputTokens: callTokens,
  outputTokens: callTokens,
  /** The part of inputTokens read from a prompt cache (priced at the cached-input price). */
  cachedInputTokens: callTokens.optional(),
  model: z.string().max(200).optional(),
  costUsd: costUsd.optional(),
});
export type UsageEventPayload = z.infer<typeof usageEventPayload>;

/** The most events one append takes, and the longest event type. */
const MAX_EVENTS_PER_APPEND = 1000;
const MAX_EVENT_TYPE_LENGTH = 100;

export const eventInput = z
  .strictObject({
    seq: int32,
    type: z.string().min(1).max(MAX_EVENT_TYPE_LENGTH),
    ts: timestamp.optional(),
    payload: json.optional(),
  })
  .superRefine((e, ctx) => {
    if (e.type !== 'usage') return;
    const parsed = usageEventPayload.safeParse(e.payload ?? {});
    if (parsed.success) return;
    for (const issue of parsed.error.issues) {
      ctx.addIssue({ code: 'custom', path: ['payload', ...issue.path], message: issue.message });
    }
  });
export type EventInput = z.infer<typeof eventInput>;

export const appendEventsBody = z
  .strictObject({ events: z.array(eventInput).min(1).max(MAX_EVENTS_PER_APPEND) })
  .superRefine((body, ctx) => {
    const seen = new Set<number>();
    body.events.forEach((e, i) => {
      if (seen.has(e.seq)) {
        ctx.addIssue({ code: 'custom', path: ['events', i, 'seq'], message: `seq ${e.seq} appears twice` });
      }
      seen.add(e.seq);
    });
  });
export type AppendEventsInput = z.infer<typeof appendEventsBody>;

const EVENT_KEYS = new Set(['seq', 'type', 'ts', 'payload']);

/**
 * The common batch, checked in one loop instead of zod's per-event parse (most of the CPU an append
 * spent validating): `{ events }` of 1..1000 plain events with only the keys eventInput declares, each
 * seq an int32 once, each type 1..100 characters and not `usage` (its payload has a schema of its own),
 * each ts one `timestamp` accepts. True only for bodies appendEventsBody accepts as they are (it has no
 * transforms or defaults, so its output equals them); false says nothing, and the schema answers.
 * tests/unit/events-fast-check.test.ts holds the two together.
 */
export function isPlainEventBatch(value: unknown): value is AppendEventsInput {
  if (!isPlainObject(value)) return false;
  let keys = 0;
  for (const _ in value) keys++;
  const events = (value as { events?: unknown }).events;
  if (keys !== 1 || !Array.isArray(events) || events.length < 1 || events.length > MAX_EVENTS_PER_APPEND)
    return false;
  const seqs = new Set<number>();
  for (const e of events) {
    if (!isPlainObject(e)) return false;
    for (const key in e) if (!EVENT_KEYS.has(key)) return false;
    const { seq, type, ts } = e as Record<string, unknown>;
    if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 0 || seq > MAX_INT32) return false;
    if (
      typeof type !== 'string' ||
      type.length < 1 ||
      type.length > MAX_EVENT_TYPE_LENGTH ||
      type === 'usage'
    )
      return false;
    if ('ts' in e && (typeof ts !== 'string' || !isTimestamp(ts))) return false;
    if ('payload' in e && !isJsonValue((e as { payload: unknown }).payload)) return false;
    if (seqs.size === seqs.add(seq).size) return false;
  }
  return true;
}

/** What JSON.parse makes of `{...}`: an object with the plain prototype (arrays excluded). */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}

export const appendEventsResponse = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
});
export type AppendEventsResult = z.infer<typeof appendEventsResponse>;

export const listEventsQuery = z.strictObject({
  afterSeq: z.coerce.number().int().min(-1).max(MAX_INT32).optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
  cursor: cursorParam,
});

export const eventDto = z.object({
  seq: z.number().int(),
  type: z.string(),
  ts: timestamp,
  payload: json,
  createdAt: timestamp,
});
export type EventDto = z.infer<typeof eventDto>;
export const eventPage = z.object({ data: z.array(eventDto), nextCursor: z.string().nullable() });
