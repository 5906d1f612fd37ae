import { getDb } from '@/db/client';
import { routes } from '@/lib/contract/routes';
import { createEvaluator, listEvaluators, toEvaluatorDto } from '@/server/evaluators';
import { apiRoute, otherMethods } from '../_lib/route';

export const GET = apiRoute(routes.listEvaluators, async ({ projectId }) => {
  const rows = await listEvaluators(getDb(), projectId);
  return { status: 200, body: { data: rows.map(toEvaluatorDto) } };
});

export const POST = apiRoute(routes.createEvaluator, async ({ projectId, actor, body }) => {
  const evaluator = await createEvaluator(getDb(), projectId, body, actor);
  return { status: 201, body: { evaluator: toEvaluatorDto(evaluator) } };
});

const other = otherMethods('GET', 'POST');
export const PUT = other.PUT;
export const PATCH = other.PATCH;
export const DELETE = other.DELETE;
