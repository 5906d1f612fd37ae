import { getDb } from '@/db/client';
import { routes } from '@/lib/contract/routes';
import { deleteLlmProvider, listLlmProviders, putLlmProvider, toLlmProviderDto } from '@/server/evaluators';
import { apiRoute, otherMethods } from '../_lib/route';

export const GET = apiRoute(routes.listLlmProviders, async ({ projectId }) => {
  const rows = await listLlmProviders(getDb(), projectId);
  return { status: 200, body: { data: rows.map(toLlmProviderDto) } };
});

export const PUT = apiRoute(routes.putLlmProvider, async ({ projectId, actor, body }) => {
  const provider = await putLlmProvider(getDb(), projectId, body, actor);
  return { status: 200, body: { provider: toLlmProviderDto(provider) } };
});

export const DELETE = apiRoute(routes.deleteLlmProvider, async ({ projectId, actor, query }) => {
  await deleteLlmProvider(getDb(), projectId, query.name, actor);
  return { status: 204, body: null };
});

const other = otherMethods('GET', 'PUT', 'DELETE');
export const POST = other.POST;
export const PATCH = other.PATCH;
