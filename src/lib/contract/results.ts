import { z } from 'zod';
import { latencyMs } from './bounds';
import { cursorParam, int32, json, limitParam, page, timestamp, uuid } from './common';

export const resultInput = z.strictObject({
  itemId: z.string().min(1).max(200),
  itemVersion: int32.optional(),
  input: json,
  output: json.optional(),
  groundTruth: json.optional(),
  latencyMs: latencyMs,
  error: json.optional(),
  startedAt: timestamp,
  completedAt: timestamp,
  retryCount: int32.optional(),
});
export type ResultInput = z.infer<typeof resultInput>;

export const addResultsBody = z
  .strictObject({ results: z.array(resultInput).min(1).max(1000) })
  .superRefine((body, ctx) => {
    const seen = new Set<string>();
    body.results.forEach((r, i) => {
      if (seen.has(r.itemId)) {
        ctx.addIssue({
          code: 'custom',
          path: ['results', i, 'itemId'],
          message: `itemId ${r.itemId} appears twice`,
        });
      }
      seen.add(r.itemId);
    });
  });

export const addResultsResponse = z.object({ stored: z.number().int() });

export const listResultsQuery = z.strictObject({
  status: z.enum(['succeeded', 'failed']).optional(),
  limit: limitParam(200, 50),
  cursor: cursorParam,
});

export const resultDto = z.object({
  id: uuid,
  runId: uuid,
  itemId: z.string(),
  itemVersion: z.number().int().nullable(),
  input: json.nullable(),
  output: json.nullable(),
  groundTruth: json.nullable(),
  latencyMs: z.number(),
  error: json.nullable(),
  startedAt: timestamp,
  completedAt: timestamp,
  retryCount: z.number().int(),
  createdAt: timestamp,
});
export type ResultDto = z.infer<typeof resultDto>;
export const resultPage = page(resultDto);
