import { getDb } from '@/db/client';
import { routes } from '@/lib/contract/routes';
import { deleteRun, requireRun, toRunDto, updateRun } from '@/server/runs';
import { apiRoute, otherMethods } from '../../_lib/route';

export const GET = apiRoute(routes.getRun, async ({ projectId, params }) => {
  return { status: 200, body: { run: toRunDto(await requireRun(getDb(), projectId, params.id)) } };
});

export const PATCH = apiRoute(routes.updateRun, async ({ projectId, params, body }) => {
  return { status: 200, body: { run: toRunDto(await updateRun(getDb(), projectId, params.id, body)) } };
});

export const DELETE = apiRoute(routes.deleteRun, async ({ projectId, params }) => {
  await deleteRun(getDb(), projectId, params.id);
  return { status: 204, body: null };
});

const other = otherMethods('GET', 'PATCH', 'DELETE');
export const POST = other.POST;
export const PUT = other.PUT;
