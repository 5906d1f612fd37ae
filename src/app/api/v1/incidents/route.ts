import { getDb } from '@/db/client';
import { routes } from '@/lib/contract/routes';
import { listIncidents } from '@/server/monitors';
import { dashboardUrl } from '@/server/webhooks/message';
import { apiRoute, otherMethods } from '../_lib/route';

export const GET = apiRoute(routes.listIncidents, async ({ projectId, query }) => {
  const rows = await listIncidents(getDb(), projectId, query);
  return { status: 200, body: { data: rows.map(({ path, ...i }) => ({ ...i, link: dashboardUrl(path) })) } };
});

const other = otherMethods('GET');
export const POST = other.POST;
export const PUT = other.PUT;
export const PATCH = other.PATCH;
export const DELETE = other.DELETE;
