import { getDb } from '@/db/client';
import { routes } from '@/lib/contract/routes';
import { nextAnnotationItem, reviewerOf, toItemDto } from '@/server/annotation';
import { apiRoute, otherMethods } from '../../../_lib/route';

export const POST = apiRoute(routes.nextAnnotationItem, async ({ projectId, actor, params }) => {
  const item = await nextAnnotationItem(getDb(), projectId, params.id, reviewerOf(actor), actor);
  return { status: 200, body: { item: item ? toItemDto(item) : null } };
});

const other = otherMethods('POST');
export const GET = other.GET;
export const PUT = other.PUT;
export const PATCH = other.PATCH;
export const DELETE = other.DELETE;
