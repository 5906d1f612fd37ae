import { getDb } from '@/db/client';
import { routes } from '@/lib/contract/routes';
import { getEvaluator, listEvaluations, toEvaluationDto } from '@/server/evaluators';
import { apiRoute, otherMethods } from '../../../_lib/route';

export const GET = apiRoute(routes.listEvaluations, async ({ projectId, params, query }) => {
  await getEvaluator(getDb(), projectId, params.id);
  const rows = await listEvaluations(getDb(), projectId, params.id, query);
  return { status: 200, body: { data: rows.map(toEvaluationDto) } };
});

const other = otherMethods('GET');
export const POST = other.POST;
export const PUT = other.PUT;
export const PATCH = other.PATCH;
export const DELETE = other.DELETE;
