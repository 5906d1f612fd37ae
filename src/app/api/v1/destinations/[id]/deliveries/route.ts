import { getDb } from '@/db/client';
import { routes } from '@/lib/contract/routes';
import { listDeliveries, toDeliveryDto } from '@/server/webhooks';
import { apiRoute, otherMethods } from '../../../_lib/route';

export const GET = apiRoute(routes.listDeliveries, async ({ projectId, params, query }) => {
  const rows = await listDeliveries(getDb(), projectId, params.id, query);
  return { status: 200, body: { data: rows.map(toDeliveryDto) } };
});

const other = otherMethods('GET');
export const POST = other.POST;
export const PUT = other.PUT;
export const PATCH = other.PATCH;
export const DELETE = other.DELETE;
