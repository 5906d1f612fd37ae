import { getDb } from '@/db/client';
import { routes } from '@/lib/contract/routes';
import { deleteMonitor, getMonitor, toMonitorDto, updateMonitor } from '@/server/monitors';
import { apiRoute, otherMethods } from '../../_lib/route';

export const GET = apiRoute(routes.getMonitor, async ({ projectId, params }) => {
  const monitor = await getMonitor(getDb(), projectId, params.id);
  return { status: 200, body: { monitor: toMonitorDto(monitor) } };
});

export const PATCH = apiRoute(routes.updateMonitor, async ({ projectId, actor, params, body }) => {
  const monitor = await updateMonitor(getDb(), projectId, params.id, body, actor);
  return { status: 200, body: { monitor: toMonitorDto(monitor) } };
});

export const DELETE = apiRoute(routes.deleteMonitor, async ({ projectId, actor, params }) => {
  await deleteMonitor(getDb(), projectId, params.id, actor);
  return { status: 204, body: null };
});

const other = otherMethods('GET', 'PATCH', 'DELETE');
export const POST = other.POST;
export const PUT = other.PUT;
