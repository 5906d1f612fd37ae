import { getDb } from '@/db/client';
import { routes } from '@/lib/contract/routes';
import { deleteScoreConfig, listScoreConfigs, putScoreConfig, toScoreConfigDto } from '@/server/scores';
import { apiRoute, otherMethods } from '../_lib/route';

export const PUT = apiRoute(routes.putScoreConfig, async ({ projectId, actor, body }) => {
  const config = await putScoreConfig(getDb(), projectId, body, actor);
  return { status: 200, body: { config: toScoreConfigDto(config) } };
});

export const GET = apiRoute(routes.listScoreConfigs, async ({ projectId }) => {
  const configs = await listScoreConfigs(getDb(), projectId);
  return { status: 200, body: { data: configs.map(toScoreConfigDto) } };
});

export const DELETE = apiRoute(routes.deleteScoreConfig, async ({ projectId, actor, query }) => {
  await deleteScoreConfig(getDb(), projectId, query.name, actor);
  return { status: 204, body: null };
});

const other = otherMethods('GET', 'PUT', 'DELETE');
export const POST = other.POST;
export const PATCH = other.PATCH;
