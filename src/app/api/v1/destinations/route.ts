import { getDb } from '@/db/client';
import { routes } from '@/lib/contract/routes';
import { createDestination, listDestinations, toDestinationDto } from '@/server/webhooks';
import { apiRoute, otherMethods } from '../_lib/route';

export const GET = apiRoute(routes.listDestinations, async ({ projectId }) => {
  const rows = await listDestinations(getDb(), projectId);
  return { status: 200, body: { data: rows.map(toDestinationDto) } };
});

export const POST = apiRoute(routes.createDestination, async ({ projectId, actor, body }) => {
  const { destination, secret } = await createDestination(getDb(), projectId, body, actor);
  return { status: 201, body: { destination: toDestinationDto(destination), secret } };
});

const other = otherMethods('GET', 'POST');
export const PUT = other.PUT;
export const PATCH = other.PATCH;
export const DELETE = other.DELETE;
