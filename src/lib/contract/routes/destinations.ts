import {
  createDestinationBody,
  createDestinationResponse,
  deliveryList,
  deliveryParams,
  deliveryResponse,
  destinationList,
  listDeliveriesQuery,
  testEventResponse,
} from '../destinations';
import { defineRoute, idParams, writeErrors } from '../route';

const tag = 'Alerts';

export const listDestinations = defineRoute({
  method: 'GET',
  path: '/api/v1/destinations',
  tag,
  summary: "The project's webhook destinations (never their secrets)",
  responses: { 200: { description: 'Destinations', schema: destinationList } },
});

export const createDestination = defineRoute({
  method: 'POST',
  path: '/api/v1/destinations',
  tag,
  summary: 'Add a webhook destination; its signing secret is answered once',
  description:
    'Every alert event of the project is POSTed to it (Standard Webhooks JSON, or a Slack message). A URL that is not http(s) or whose host resolves to a loopback, private, link-local or metadata address is a 400 (unless the server sets RUNLEDGER_WEBHOOK_ALLOW_PRIVATE=true).',
  body: createDestinationBody,
  responses: { 201: { description: 'The destination and its secret', schema: createDestinationResponse } },
  errors: writeErrors,
});

export const deleteDestination = defineRoute({
  method: 'DELETE',
  path: '/api/v1/destinations/{id}',
  tag,
  summary: 'Delete a destination and its delivery log',
  params: idParams,
  responses: { 204: { description: 'Deleted', schema: null } },
  errors: [404],
});

export const listDeliveries = defineRoute({
  method: 'GET',
  path: '/api/v1/destinations/{id}/deliveries',
  tag,
  summary: "The destination's deliveries, latest first",
  params: idParams,
  query: listDeliveriesQuery,
  responses: { 200: { description: 'Deliveries', schema: deliveryList } },
  errors: [404],
});

export const testDestination = defineRoute({
  method: 'POST',
  path: '/api/v1/destinations/{id}/test',
  tag,
  summary: 'Send a `test` event to this destination',
  params: idParams,
  responses: { 200: { description: 'Queued', schema: testEventResponse } },
  errors: [404],
});

export const redeliver = defineRoute({
  method: 'POST',
  path: '/api/v1/deliveries/{id}/redeliver',
  tag,
  summary: 'Send a delivery again now (same `webhook-id`), whatever its state',
  params: deliveryParams,
  responses: { 200: { description: 'Queued again', schema: deliveryResponse } },
  errors: [404],
});
