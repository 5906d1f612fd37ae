import { z } from 'zod';
import { annotationItemStatuses } from '../enums';
import { timestamp, uuid } from './common';
import { listRunsQuery } from './runs';
import { scoreName } from './scores';

export const annotationItemStatus = z.enum(annotationItemStatuses);

/** The history filter a queue is made from (as `GET /runs` takes it, without paging). */
const runFilter = listRunsQuery.omit({ limit: true, cursor: true });

const assigneesField = z
  .array(z.string().min(1).max(200))
  .max(50)
  .describe(
    'The members (user ids, editors or owners) who review the queue: only they lease its items. Empty: every editor and owner, and API keys',
  );

export const createAnnotationQueueBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  description: z.string().max(1000).optional(),
  scoreNames: z
    .array(scoreName)
    .max(20)
    .default([])
    .describe('The score configs reviewers score by, in order'),
  assignees: assigneesField.default([]),
  runs: z
    .union([
      z.strictObject({ runIds: z.array(uuid).min(1).max(1000) }),
      z.strictObject({
        filter: runFilter,
        max: z.number().int().min(1).max(1000).default(100).describe('At most this many runs, newest first'),
        sample: z
          .number()
          .int()
          .min(1)
          .max(1000)
          .optional()
          .describe('A random sample of this many of the matching runs'),
      }),
    ])
    .describe('A selection of runs, or the runs of a history filter (or a random sample of them)'),
});
export type CreateAnnotationQueueInput = z.input<typeof createAnnotationQueueBody>;

export const annotationProgress = z.object({
  total: z.number().int(),
  pending: z.number().int(),
  done: z.number().int(),
  skipped: z.number().int(),
  /** Items leased now (being reviewed). */
  inReview: z.number().int(),
  byReviewer: z.array(z.object({ reviewer: z.string(), done: z.number().int(), skipped: z.number().int() })),
});

export const annotationQueueDto = z.object({
  id: uuid,
  name: z.string(),
  description: z.string().nullable(),
  scoreNames: z.array(z.string()),
  assignees: z.array(z.string()).describe('Who reviews it (user ids); empty: every editor and owner'),
  createdAt: timestamp,
  progress: annotationProgress,
});
export const annotationQueueResponse = z.object({ queue: annotationQueueDto });
export const annotationQueueList = z.object({ data: z.array(annotationQueueDto) });

export const annotationItemDto = z.object({
  id: uuid,
  queueId: uuid,
  runId: uuid,
  position: z.number().int(),
  status: annotationItemStatus,
  leaseUntil: timestamp.nullable(),
  reviewedBy: z.string().nullable(),
  reviewedAt: timestamp.nullable(),
});
export const nextAnnotationItemResponse = z.object({
  item: annotationItemDto.nullable().describe('The item leased to the caller; null when none is left'),
});
export const annotationItemResponse = z.object({ item: annotationItemDto });
export const annotationItemParams = z.object({ id: uuid, itemId: uuid });
export const finishAnnotationItemBody = z.strictObject({
  action: z.enum(['complete', 'skip']),
});
export const updateAnnotationQueueBody = z.strictObject({ assignees: assigneesField });
