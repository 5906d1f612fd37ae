import { z } from 'zod';
import { callTokens, costUsd } from './bounds';
import { cursorParam, int32, json, MAX_INT32, timestamp } from './common';

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

export const eventInput = z
  .strictObject({
    seq: int32,
    type: z.string().min(1).max(100),
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
  .strictObject({ events: z.array(eventInput).min(1).max(1000) })
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
