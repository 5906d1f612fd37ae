import { z } from 'zod';
import { alertEventTypes, deliveryStatuses, destinationFormats } from '../enums';
import { timestamp, uuid } from './common';

export const destinationFormat = z.enum(destinationFormats);
export const alertEventType = z.enum(alertEventTypes);
export const deliveryStatus = z.enum(deliveryStatuses);

export const createDestinationBody = z.strictObject({
  url: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .describe('An http(s) URL whose host resolves to public addresses only'),
  format: destinationFormat
    .default('standard')
    .describe('`standard`: Standard Webhooks JSON, signed; `slack`: a Slack incoming-webhook message'),
  name: z.string().trim().min(1).max(100).optional().describe('Defaults to the URL host'),
});
export type CreateDestinationInput = z.infer<typeof createDestinationBody>;

export const destinationDto = z.object({
  id: uuid,
  name: z.string(),
  url: z.string(),
  format: destinationFormat,
  /** The first failed attempt since the last success; null while deliveries succeed. */
  failingSince: timestamp.nullable(),
  /** Set after a day of failed deliveries: nothing more is sent. */
  disabledAt: timestamp.nullable(),
  createdAt: timestamp,
});
export type DestinationDto = z.infer<typeof destinationDto>;
export const destinationList = z.object({ data: z.array(destinationDto) });
export const createDestinationResponse = z.object({
  destination: destinationDto,
  secret: z.string().describe('The `whsec_…` signing secret: answered here only, never again'),
});

export const deliveryDto = z.object({
  id: z.number().int(),
  eventId: uuid.describe('The `webhook-id` of every attempt'),
  eventType: alertEventType,
  status: deliveryStatus,
  attempts: z.number().int(),
  nextAttemptAt: timestamp.nullable(),
  lastAttemptAt: timestamp.nullable(),
  responseStatus: z.number().int().nullable(),
  responseMs: z.number().int().nullable(),
  error: z.string().nullable(),
  deliveredAt: timestamp.nullable(),
  createdAt: timestamp,
});
export type DeliveryDto = z.infer<typeof deliveryDto>;
export const deliveryList = z.object({ data: z.array(deliveryDto) });
export const deliveryResponse = z.object({ delivery: deliveryDto });
export const listDeliveriesQuery = z.strictObject({
  status: deliveryStatus.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const deliveryParams = z.object({
  id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).describe('The delivery id'),
});
export const testEventResponse = z.object({ eventId: uuid });
