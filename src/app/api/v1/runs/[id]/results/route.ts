import { getDb } from '@/db/client';
import { addResultsBody, listResultsQuery } from '@/lib/contract';
import { addResults, listResults, toResultDto } from '@/server/runs';
import { idParams } from '../../../_lib/params';
import { apiRoute, json, otherMethods } from '../../../_lib/route';

export const POST = apiRoute(
  { params: idParams, body: addResultsBody },
  async ({ projectId, params, body }) => {
    return json(await addResults(getDb(), projectId, params.id, body.results));
  },
);

export const GET = apiRoute(
  { params: idParams, query: listResultsQuery },
  async ({ projectId, params, query }) => {
    const page = await listResults(getDb(), projectId, params.id, query);
    return json({ data: page.data.map(toResultDto), nextCursor: page.nextCursor });
  },
);

const other = otherMethods('GET', 'POST');
export const PUT = other.PUT;
export const PATCH = other.PATCH;
export const DELETE = other.DELETE;
