import { getDb } from '@/db/client';
import { routes } from '@/lib/contract/routes';
import { addResults, listResults, toResultDto } from '@/server/runs';
import { apiRoute, otherMethods } from '../../../_lib/route';

export const POST = apiRoute(routes.addResults, async ({ projectId, params, body }) => {
  return { status: 200, body: await addResults(getDb(), projectId, params.id, body.results) };
});

export const GET = apiRoute(routes.listResults, async ({ projectId, params, query }) => {
  const page = await listResults(getDb(), projectId, params.id, query);
  return { status: 200, body: { data: page.data.map(toResultDto), nextCursor: page.nextCursor } };
});

const other = otherMethods('GET', 'POST');
export const PUT = other.PUT;
export const PATCH = other.PATCH;
export const DELETE = other.DELETE;
