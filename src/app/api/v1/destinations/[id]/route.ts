import { getDb } from '@/db/client';
import { routes } from '@/lib/contract/routes';
import { deleteDestination } from '@/server/webhooks';
import { apiRoute, otherMethods } from '../../_lib/route';

export const DELETE = apiRoute(routes.deleteDestination, async ({ projectId, actor, params }) => {
  await deleteDestination(getDb(), projectId, params.id, actor);
  return { status: 204, body: null };
});

const other = otherMethods('DELETE');
export const GET = other.GET;
export const POST = other.POST;
export const PUT = other.PUT;
export const PATCH = other.PATCH;
