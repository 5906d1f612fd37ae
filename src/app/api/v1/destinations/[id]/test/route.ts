import { getDb } from '@/db/client';
import { routes } from '@/lib/contract/routes';
import { sendTestEvent } from '@/server/webhooks';
import { apiRoute, otherMethods } from '../../../_lib/route';

export const POST = apiRoute(routes.testDestination, async ({ projectId, actor, params }) => {
  const eventId = await sendTestEvent(getDb(), projectId, params.id, actor);
  return { status: 200, body: { eventId } };
});

const other = otherMethods('POST');
export const GET = other.GET;
export const PUT = other.PUT;
export const PATCH = other.PATCH;
export const DELETE = other.DELETE;
