import { getDb } from '@/db/client';
import { routes } from '@/lib/contract/routes';
import { enqueueDatasetRun, enqueueRuns } from '@/server/evaluators';
import { apiRoute, otherMethods } from '../../../_lib/route';

export const POST = apiRoute(routes.runEvaluator, async ({ projectId, actor, params, body }) => {
  const result =
    'datasetRunId' in body
      ? await enqueueDatasetRun(getDb(), projectId, params.id, body.datasetRunId, actor)
      : await enqueueRuns(getDb(), projectId, params.id, body.runIds, actor);
  return { status: 200, body: result };
});

const other = otherMethods('POST');
export const GET = other.GET;
export const PUT = other.PUT;
export const PATCH = other.PATCH;
export const DELETE = other.DELETE;
