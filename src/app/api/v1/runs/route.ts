import { getDb } from '@/db/client';
import { routes } from '@/lib/contract/routes';
import { createRun, listRuns, toRunDto } from '@/server/runs';
import { apiRoute, otherMethods } from '../_lib/route';

export const POST = apiRoute(routes.createRun, async ({ projectId, body }) => {
  const { run, created } = await createRun(getDb(), projectId, body);
  return { status: created ? 201 : 200, body: { run: toRunDto(run) } };
});

export const GET = apiRoute(routes.listRuns, async ({ projectId, query }) => {
  const { limit, cursor, ...filters } = query;
  const page = await listRuns(getDb(), projectId, filters, { limit, cursor });
  return { status: 200, body: { data: page.data.map(toRunDto), nextCursor: page.nextCursor } };
});

const other = otherMethods('GET', 'POST');
export const PUT = other.PUT;
export const PATCH = other.PATCH;
export const DELETE = other.DELETE;
