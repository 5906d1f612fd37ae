import { getDb } from '@/db/client';
import { routes } from '@/lib/contract/routes';
import { redeliver, toDeliveryDto } from '@/server/webhooks';
import { apiRoute, otherMethods } from '../../../_lib/route';

export const POST = apiRoute(routes.redeliver, async ({ projectId, actor, params }) => {
  const delivery = await redeliver(getDb(), projectId, params.id, actor);
  return { status: 200, body: { delivery: toDeliveryDto(delivery) } };
});

const other = otherMethods('POST');
export const GET = other.GET;
export const PUT = other.PUT;
export const PATCH = other.PATCH;
export const DELETE = other.DELETE;
