import { z } from 'zod';
import { flag } from '../flag';
import { costUsd, runTokens } from './bounds';
import { cursorParam, int32, json, limitParam, metadata, page, timestamp, uuid } from './common';

import { finishedStatuses, runKinds, runStatuses } from '../enums';

export { finishedStatuses, runKinds, runStatuses };

export const runStatus = z.enum(runStatuses);
export const runKind = z.enum(runKinds);

const tag = z.string().min(1).max(100);
export const metaKey = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : -');
const metaFilters = z
  .record(metaKey, z.string().max(200))
  .refine((m) => Object.keys(m).length <= 10, 'At most 10 metadata filters');
const shortText = z.string().min(1).max(200);

const usageFields = {
  inputTokens: runTokens.optional(),
  outputTokens: runTokens.optional(),
  totalTokens: runTokens.optional(),
  costUsd: costUsd.optional(),
};

/** POST /runs: every writable field; unknown fields are refused. */
export const createRunBody = z.strictObject({
  id: uuid.optional(),
  kind: runKind.optional(),
  name: z.string().min(1).max(200),
  status: runStatus.optional(),
  threadId: shortText.nullable().optional(),
  parentRunId: uuid.nullable().optional(),
  userId: shortText.nullable().optional(),
  model: shortText.nullable().optional(),
  input: json.optional(),
  output: json.optional(),
  error: json.optional(),
  metadata: metadata.optional(),
  tags: z.array(tag).max(50).optional(),
  startedAt: timestamp.nullable().optional(),
  endedAt: timestamp.nullable().optional(),
  ...usageFields,
  datasetId: shortText.nullable().optional(),
  datasetVersion: int32.nullable().optional(),
  targetType: shortText.nullable().optional(),
  targetId: shortText.nullable().optional(),
  totalItems: int32.nullable().optional(),
});
export type CreateRunInput = z.infer<typeof createRunBody>;

/** PATCH /runs/{id}. `metadata` and `tags` replace the stored values. */
export const updateRunBody = z.strictObject({
  name: z.string().min(1).max(200).optional(),
  status: runStatus.optional(),
  model: shortText.nullable().optional(),
  output: json.optional(),
  error: json.optional(),
  startedAt: timestamp.nullable().optional(),
  endedAt: timestamp.nullable().optional(),
  metadata: metadata.optional(),
  tags: z.array(tag).max(50).optional(),
  ...usageFields,
  totalItems: int32.nullable().optional(),
});
export type UpdateRunInput = z.infer<typeof updateRunBody>;

export const listRunsQuery = z.strictObject({
  status: runStatus.optional(),
  kind: runKind.optional(),
  userId: z.string().min(1).max(200).optional(),
  threadId: z.string().min(1).max(200).optional(),
  model: z.string().min(1).max(200).optional(),
  tag: tag.optional(),
  q: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe(
      'Substring of the name, or every word in the run content (user messages, assistant text, tool names, errors)',
    ),
  from: timestamp.optional(),
  to: timestamp.optional(),
  meta: metaFilters
    .optional()
    .describe(
      'Sent as `meta.<key>=<value>` (repeatable keys): runs whose metadata[key], as text, equals value',
    ),
  limit: limitParam(200, 50),
  cursor: cursorParam,
});
export type ListRunsQuery = z.input<typeof listRunsQuery>;
export type RunFilters = Omit<z.infer<typeof listRunsQuery>, 'limit' | 'cursor'>;

export const runDto = z.object({
  id: uuid,
  projectId: uuid,
  kind: runKind,
  name: z.string(),
  status: runStatus,
  threadId: z.string().nullable(),
  parentRunId: uuid.nullable(),
  userId: z.string().nullable(),
  model: z.string().nullable(),
  input: json.nullable(),
  output: json.nullable(),
  error: json.nullable(),
  metadata,
  tags: z.array(z.string()),
  startedAt: timestamp.nullable(),
  endedAt: timestamp.nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
  eventCount: z.number().int(),
  lastSeq: z.number().int().nullable(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  totalTokens: z.number().int(),
  costUsd: z.number(),
  datasetId: z.string().nullable(),
  datasetVersion: z.number().int().nullable(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  totalItems: z.number().int().nullable(),
  succeededCount: z.number().int(),
  failedCount: z.number().int(),
});
export type RunDto = z.infer<typeof runDto>;

export const runResponse = z.object({ run: runDto });
export const runPage = page(runDto);

const exportFormat = z.enum(['csv', 'jsonl']);

/** GET /runs/export: the list's filters (no paging), a format, and for JSONL optionally the events. */
export const exportRunsQuery = listRunsQuery.omit({ limit: true, cursor: true }).extend({
  format: exportFormat.default('csv'),
  events: flag.optional().describe('JSONL only: each run line carries its events'),
});

/** GET /runs/{id}/results/export. */
export const exportResultsQuery = z.strictObject({ format: exportFormat.default('csv') });
