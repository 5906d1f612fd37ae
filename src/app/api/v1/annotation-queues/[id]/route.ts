import { getDb } from '@/db/client';
import { routes } from '@/lib/contract/routes';
import {
  deleteAnnotationQueue,
  getAnnotationQueue,
  setQueueAssignees,
  toQueueDto,
} from '@/server/annotation';
import { apiRoute, otherMethods } from '../../_lib/route';

export const GET = apiRoute(routes.getAnnotationQueue, async ({ projectId, params }) => {
  const queue = await getAnnotationQueue(getDb(), projectId, params.id);
  return { status: 200, body: { queue: toQueueDto(queue) } };
});

export const PATCH = apiRoute(routes.updateAnnotationQueue, async ({ projectId, actor, params, body }) => {
  await setQueueAssignees(getDb(), projectId, params.id, body.assignees, actor);
  const queue = await getAnnotationQueue(getDb(), projectId, params.id);
  return { status: 200, body: { queue: toQueueDto(queue) } };
});

export const DELETE = apiRoute(routes.deleteAnnotationQueue, async ({ projectId, actor, params }) => {
  await deleteAnnotationQueue(getDb(), projectId, params.id, actor);
  return { status: 204, body: null };
});

const other = otherMethods('GET', 'PATCH', 'DELETE');
export const POST = other.POST;
export const PUT = other.PUT;
