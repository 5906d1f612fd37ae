import { z } from 'zod';
import { timestamp } from './common';

/** At most 100 years: a bigger number would be "forever", which for runs is `null`. */
const days = z.number().int().min(1).max(36_500);

export const DEFAULT_USAGE_RETENTION_DAYS = 400;

/** PUT /api/v1/project/retention: both settings, as they should be from now on. */
export const putRetentionBody = z.strictObject({
  /** Days a run (with its events, results and reports) is kept after it was created; null: forever. */
  runDays: days.nullable(),
  /** Days a usage ledger row is kept; counters and ledger rows of current quota windows are never cut. */
  usageDays: days,
});
export type PutRetentionInput = z.infer<typeof putRetentionBody>;

export const retentionDto = z.object({
  runDays: z.number().int().nullable(),
  usageDays: z.number().int(),
  /** Null while the project keeps the defaults. */
  updatedAt: timestamp.nullable(),
});
export type RetentionDto = z.infer<typeof retentionDto>;

export const retentionResponse = z.object({ retention: retentionDto });
