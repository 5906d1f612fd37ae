import { z } from 'zod';
import { quotaLimit, usageAmount } from './bounds';
import { timestamp, uuid } from './common';

import { quotaModes, quotaWindows, reservationStatuses } from '../enums';

export { quotaWindows };
export const quotaWindow = z.enum(quotaWindows);
export const quotaMode = z.enum(quotaModes);

const subject = z.string().min(1).max(200);
const metric = z.string().min(1).max(100);
const amount = usageAmount(1);

export const putQuotaBody = z.strictObject({
  subject,
  metric,
  window: quotaWindow,
  limit: quotaLimit,
  mode: quotaMode.optional(),
});
export type PutQuotaInput = z.infer<typeof putQuotaBody>;

export const quotaDto = z.object({
  id: uuid,
  subject: z.string(),
  metric: z.string(),
  window: quotaWindow,
  limit: z.number().int(),
  mode: quotaMode,
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type QuotaDto = z.infer<typeof quotaDto>;

export const recordUsageBody = z.strictObject({
  subject,
  metric,
  amount,
  runId: uuid.optional(),
  model: z.string().min(1).max(200).optional(),
  idempotencyKey: z.string().min(1).max(200).optional(),
});
export type RecordUsageInput = z.infer<typeof recordUsageBody>;

export const usageWindowDto = z.object({
  window: quotaWindow,
  limit: z.number().int(),
  used: z.number().int(),
  remaining: z.number().int(),
  resetAt: timestamp,
  /** Extension: which quota this window belongs to. */
  mode: quotaMode.optional(),
  quotaId: uuid.optional(),
  subject: z.string().optional(),
});
export type UsageWindowDto = z.infer<typeof usageWindowDto>;

export const recordUsageResponse = z.object({ allowed: z.literal(true), windows: z.array(usageWindowDto) });
export type RecordUsageResult = z.infer<typeof recordUsageResponse>;

export const getUsageQuery = z.strictObject({ subject, metric });
export const getUsageResponse = z.object({ windows: z.array(usageWindowDto) });

export const usageSeriesQuery = z.strictObject({
  metric,
  subject: subject.optional(),
  from: timestamp.optional(),
  to: timestamp.optional(),
  bucket: z.enum(['hour', 'day']).default('day'),
});
export const usageSeriesResponse = z.object({
  data: z.array(z.object({ bucket: timestamp, total: z.number().int() })),
});

export const createReservationBody = z.strictObject({
  subject,
  metric,
  amount,
  ttlSeconds: z.number().int().min(1).max(86_400).default(600),
  runId: uuid.optional(),
  idempotencyKey: z.string().min(1).max(200).optional(),
});
export type CreateReservationInput = z.input<typeof createReservationBody>;

export const commitReservationBody = z.strictObject({
  amount: usageAmount(0),
});

export const reservationDto = z.object({
  id: uuid,
  subject: z.string(),
  metric: z.string(),
  amount: z.number().int(),
  status: z.enum(reservationStatuses),
  committedAmount: z.number().int().nullable(),
  runId: uuid.nullable(),
  expiresAt: timestamp,
  createdAt: timestamp,
  settledAt: timestamp.nullable(),
});
export type ReservationDto = z.infer<typeof reservationDto>;

export const quotaResponse = z.object({ quota: quotaDto });
export const quotaList = z.object({ data: z.array(quotaDto) });
export const reservationResponse = z.object({
  reservation: reservationDto,
  windows: z.array(usageWindowDto),
});
export type ReservationResult = z.infer<typeof reservationResponse>;
export const commitReservationResponse = reservationResponse.extend({
  overrunBy: z.number().int().describe('How far the actual amount went past the reservation (0 when it fit)'),
  late: z.boolean().describe('Committed after expiresAt'),
});
export const releaseReservationResponse = reservationResponse;
