import { z } from 'zod';
import { cursorParam, int32, json, timestamp } from './common';

export const eventInput = z.strictObject({
  seq: int32,
  type: z.string().min(1).max(100),
  ts: timestamp.optional(),
  payload: json.optional(),
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
  afterSeq: z.coerce.number().int().min(-1).max(2_147_483_647).optional(),
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
