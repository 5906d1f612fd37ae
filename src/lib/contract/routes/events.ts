import {
  appendEventsBody,
  appendEventsResponse,
  eventPage,
  isPlainEventBatch,
  listEventsQuery,
} from '../events';
import { defineRoute, idParams, writeErrors } from '../route';

const tag = 'Events';

export const appendEvents = defineRoute({
  method: 'POST',
  path: '/api/v1/runs/{id}/events',
  tag,
  summary: 'Append events (1..1000, unique seqs)',
  description:
    'A seq already stored with the same type and payload is a duplicate (ignored); with a different one the whole call is 409 with `details.seqs`, storing nothing. `usage` events add their tokens and cost to the run.',
  params: idParams,
  body: appendEventsBody,
  fastBody: isPlainEventBatch,
  responses: { 200: { description: 'Counts of new and duplicate events', schema: appendEventsResponse } },
  errors: [404, 409, ...writeErrors],
});

export const listEvents = defineRoute({
  method: 'GET',
  path: '/api/v1/runs/{id}/events',
  tag,
  summary: 'List events with seq > afterSeq, ascending',
  params: idParams,
  query: listEventsQuery,
  responses: { 200: { description: 'A page of events', schema: eventPage } },
  errors: [404],
});
