import {
  annotationItemParams,
  annotationItemResponse,
  annotationQueueList,
  annotationQueueResponse,
  createAnnotationQueueBody,
  finishAnnotationItemBody,
  nextAnnotationItemResponse,
  updateAnnotationQueueBody,
} from '../annotation';
import { defineRoute, idParams, writeErrors } from '../route';

const tag = 'Annotation queues';

export const listAnnotationQueues = defineRoute({
  method: 'GET',
  path: '/api/v1/annotation-queues',
  tag,
  summary: "The project's annotation queues with their progress, newest first",
  responses: { 200: { description: 'Queues', schema: annotationQueueList } },
});

export const createAnnotationQueue = defineRoute({
  method: 'POST',
  path: '/api/v1/annotation-queues',
  tag,
  summary: 'Make a queue of runs to review: a selection, or a history filter (or a random sample of it)',
  description:
    'A run the key cannot see is a 404 and nothing is made; a second queue of the same name is a 409; a filter matching no run is a 400.',
  body: createAnnotationQueueBody,
  responses: { 201: { description: 'The queue', schema: annotationQueueResponse } },
  errors: [404, 409, ...writeErrors],
});

export const getAnnotationQueue = defineRoute({
  method: 'GET',
  path: '/api/v1/annotation-queues/{id}',
  tag,
  summary: 'One queue with its progress (what is left, who reviewed what)',
  params: idParams,
  responses: { 200: { description: 'The queue', schema: annotationQueueResponse } },
  errors: [404],
});

export const updateAnnotationQueue = defineRoute({
  method: 'PATCH',
  path: '/api/v1/annotation-queues/{id}',
  tag,
  summary: 'Name who reviews a queue (its assignees)',
  description:
    'Each assignee must be an editor or owner of the project (else a 400 naming each one, and nothing changes). Only assignees lease items of a queue that has them; an empty list opens it to every editor and owner again.',
  params: idParams,
  body: updateAnnotationQueueBody,
  responses: { 200: { description: 'The queue', schema: annotationQueueResponse } },
  errors: [404, ...writeErrors],
});

export const deleteAnnotationQueue = defineRoute({
  method: 'DELETE',
  path: '/api/v1/annotation-queues/{id}',
  tag,
  summary: 'Delete a queue (the scores given through it stay)',
  params: idParams,
  responses: { 204: { description: 'Deleted', schema: null } },
  errors: [404],
});

export const nextAnnotationItem = defineRoute({
  method: 'POST',
  path: '/api/v1/annotation-queues/{id}/next',
  tag,
  summary: 'Lease the next run to review (the one the caller holds, if any)',
  description:
    'Each waiting item goes to one reviewer at a time, for a lease of 15 minutes; an item whose lease ran out goes to the next reviewer who asks. A queue with assignees leases only to them: anyone else (an API key included) gets a 403.',
  params: idParams,
  responses: { 200: { description: 'The leased item, or null', schema: nextAnnotationItemResponse } },
  errors: [403, 404],
});

export const finishAnnotationItem = defineRoute({
  method: 'POST',
  path: '/api/v1/annotation-queues/{id}/items/{itemId}',
  tag,
  summary: 'Complete or skip the item the caller holds',
  description: 'An item the caller does not hold (never leased, or leased by another reviewer now) is a 409.',
  params: annotationItemParams,
  body: finishAnnotationItemBody,
  responses: { 200: { description: 'The item', schema: annotationItemResponse } },
  errors: [404, 409, ...writeErrors],
});
