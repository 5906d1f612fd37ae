import { defineRoute, idParams, writeErrors } from '../route';
import {
  commitReservationBody,
  commitReservationResponse,
  createReservationBody,
  getUsageQuery,
  getUsageResponse,
  putQuotaBody,
  quotaList,
  quotaResponse,
  recordUsageBody,
  recordUsageResponse,
  releaseReservationResponse,
  reservationResponse,
  usageSeriesQuery,
  usageSeriesResponse,
} from '../usage';

const tag = 'Usage';

export const putQuota = defineRoute({
  method: 'PUT',
  path: '/api/v1/quotas',
  tag,
  summary: 'Create or replace a quota (upsert on subject + metric + window)',
  body: putQuotaBody,
  responses: { 200: { description: 'The quota', schema: quotaResponse } },
  errors: writeErrors,
});

export const listQuotas = defineRoute({
  method: 'GET',
  path: '/api/v1/quotas',
  tag,
  summary: "The project's quotas",
  responses: { 200: { description: 'Quotas', schema: quotaList } },
});

export const deleteQuota = defineRoute({
  method: 'DELETE',
  path: '/api/v1/quotas/{id}',
  tag,
  summary: 'Delete a quota',
  params: idParams,
  responses: { 204: { description: 'Deleted', schema: null } },
  errors: [404],
});

export const recordUsage = defineRoute({
  method: 'POST',
  path: '/api/v1/usage',
  tag,
  summary: 'Check every hard quota and record usage, atomically',
  description:
    'Over a hard quota: 429 with the windows in `details` and Retry-After / RateLimit-* headers; nothing is recorded. The same idempotencyKey returns the first answer.',
  body: recordUsageBody,
  responses: { 200: { description: 'Recorded', schema: recordUsageResponse } },
  errors: [404, 429, ...writeErrors],
});

export const getUsage = defineRoute({
  method: 'GET',
  path: '/api/v1/usage',
  tag,
  summary: 'The current windows of a subject and metric',
  query: getUsageQuery,
  responses: { 200: { description: 'Windows', schema: getUsageResponse } },
});

export const usageSeries = defineRoute({
  method: 'GET',
  path: '/api/v1/usage/series',
  tag,
  summary: 'Usage totals per hour or day',
  query: usageSeriesQuery,
  responses: { 200: { description: 'Buckets', schema: usageSeriesResponse } },
});

export const createReservation = defineRoute({
  method: 'POST',
  path: '/api/v1/usage/reservations',
  tag,
  summary: 'Hold capacity against every hard quota until commit, release or expiry',
  description:
    'A retry with the same idempotencyKey answers the first reservation with the same 201 (the windows as they are now).',
  body: createReservationBody,
  responses: { 201: { description: 'Held', schema: reservationResponse } },
  errors: [404, 429, ...writeErrors],
});

export const commitReservation = defineRoute({
  method: 'POST',
  path: '/api/v1/usage/reservations/{id}/commit',
  tag,
  summary: 'Settle a reservation with the actual amount',
  description:
    'The actual amount is recorded, the unused rest released; an amount above the reservation is recorded in full and `overrunBy` says by how much. Settling twice: 409.',
  params: idParams,
  body: commitReservationBody,
  responses: { 200: { description: 'Committed', schema: commitReservationResponse } },
  errors: [404, 409, ...writeErrors],
});

export const releaseReservation = defineRoute({
  method: 'POST',
  path: '/api/v1/usage/reservations/{id}/release',
  tag,
  summary: 'Cancel a reservation',
  params: idParams,
  responses: { 200: { description: 'Released', schema: releaseReservationResponse } },
  errors: [404, 409],
});
