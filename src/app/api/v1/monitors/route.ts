import { getDb } from '@/db/client';
import { routes } from '@/lib/contract/routes';
import { createMonitor, listMonitors, toMonitorDto } from '@/server/monitors';
import { apiRoute, otherMethods } from '../_lib/route';

export const GET = apiRoute(routes.listMonitors, async ({ projectId }) => {
  const rows = await listMonitors(getDb(), projectId);
  return { status: 200, body: { data: rows.map(toMonitorDto) } };
});

export const POST = apiRoute(routes.createMonitor, async ({ projectId, actor, body }) => {
  const monitor = await createMonitor(getDb(), projectId, body, actor);
  return { status: 201, body: { monitor: toMonitorDto(monitor) } };
});

const other = otherMethods('GET', 'POST');
export const PUT = other.PUT;
export const PATCH = other.PATCH;
export const DELETE = other.DELETE;
