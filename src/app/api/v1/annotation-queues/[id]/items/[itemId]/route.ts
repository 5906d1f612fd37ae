import { getDb } from '@/db/client';
import { routes } from '@/lib/contract/routes';
import { finishAnnotationItem, reviewerOf, toItemDto } from '@/server/annotation';
import { apiRoute, otherMethods } from '../../../../_lib/route';

export const POST = apiRoute(routes.finishAnnotationItem, async ({ projectId, actor, params, body }) => {
  const item = await finishAnnotationItem(
    getDb(),
    projectId,
    params.id,
    params.itemId,
    reviewerOf(actor),
    body.action,
    actor,
  );
  return { status: 200, body: { item: toItemDto(item) } };
});

const other = otherMethods('POST');
export const GET = other.GET;
export const PUT = other.PUT;
export const PATCH = other.PATCH;
export const DELETE = other.DELETE;
