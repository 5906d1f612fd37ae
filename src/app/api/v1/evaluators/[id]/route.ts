import { getDb } from '@/db/client';
import { routes } from '@/lib/contract/routes';
import { deleteEvaluator, getEvaluator, toEvaluatorDto, updateEvaluator } from '@/server/evaluators';
import { apiRoute, otherMethods } from '../../_lib/route';

export const GET = apiRoute(routes.getEvaluator, async ({ projectId, params }) => {
  const evaluator = await getEvaluator(getDb(), projectId, params.id);
  return { status: 200, body: { evaluator: toEvaluatorDto(evaluator) } };
});

export const PATCH = apiRoute(routes.updateEvaluator, async ({ projectId, actor, params, body }) => {
  const evaluator = await updateEvaluator(getDb(), projectId, params.id, body, actor);
  return { status: 200, body: { evaluator: toEvaluatorDto(evaluator) } };
});

export const DELETE = apiRoute(routes.deleteEvaluator, async ({ projectId, actor, params }) => {
  await deleteEvaluator(getDb(), projectId, params.id, actor);
  return { status: 204, body: null };
});

const other = otherMethods('GET', 'PATCH', 'DELETE');
export const POST = other.POST;
export const PUT = other.PUT;
