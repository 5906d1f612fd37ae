import { getDb } from '@/db/client';
import { routes } from '@/lib/contract/routes';
import { createAnnotationQueue, listAnnotationQueues, toQueueDto } from '@/server/annotation';
import { apiRoute, otherMethods } from '../_lib/route';

export const GET = apiRoute(routes.listAnnotationQueues, async ({ projectId }) => {
  const queues = await listAnnotationQueues(getDb(), projectId);
  return { status: 200, body: { data: queues.map(toQueueDto) } };
});

export const POST = apiRoute(routes.createAnnotationQueue, async ({ projectId, actor, body }) => {
  const queue = await createAnnotationQueue(getDb(), projectId, body, actor);
  return { status: 201, body: { queue: toQueueDto(queue) } };
});

const other = otherMethods('GET', 'POST');
export const PUT = other.PUT;
export const PATCH = other.PATCH;
export const DELETE = other.DELETE;
