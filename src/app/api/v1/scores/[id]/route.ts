import { getDb } from '@/db/client';
import { routes } from '@/lib/contract/routes';
import { deleteScore } from '@/server/scores';
import { apiRoute, otherMethods } from '../../_lib/route';

export const DELETE = apiRoute(routes.deleteScore, async ({ projectId, actor, params }) => {
  await deleteScore(getDb(), projectId, params.id, actor);
  return { status: 204, body: null };
});

const other = otherMethods('DELETE');
export const GET = other.GET;
export const POST = other.POST;
export const PUT = other.PUT;
export const PATCH = other.PATCH;
