import { getDb } from '@/db/client';
import { routes } from '@/lib/contract/routes';
import { deleteRunAudited, updateRunAudited } from '@/server/runs/audited';
import { requireRun, toRunDto } from '@/server/runs';
import { apiRoute, otherMethods } from '../../_lib/route';

export const GET = apiRoute(routes.getRun, async ({ projectId, params }) => {
  return { status: 200, body: { run: toRunDto(await requireRun(getDb(), projectId, params.id)) } };
});

export const PATCH = apiRoute(routes.updateRun, async ({ projectId, actor, params, body }) => {
  const run = await updateRunAudited(getDb(), { projectId, actor }, params.id, body);
  return { status: 200, body: { run: toRunDto(run) } };
});

export const DELETE = apiRoute(routes.deleteRun, async ({ projectId, actor, params }) => {
  await deleteRunAudited(getDb(), { projectId, actor }, params.id);
  return { status: 204, body: null };
});

const other = otherMethods('GET', 'PATCH', 'DELETE');
export const POST = other.POST;
export const PUT = other.PUT;
