import { getDb } from '@/db/client';
import { createRunBody, listRunsQueryParams } from '@/lib/contract';
import { createRun, listRuns, toRunDto } from '@/server/runs';
import { apiRoute, json, otherMethods } from '../_lib/route';

export const POST = apiRoute({ body: createRunBody }, async ({ projectId, body }) => {
  const { run, created } = await createRun(getDb(), projectId, body);
  return json({ run: toRunDto(run) }, created ? 201 : 200);
});

export const GET = apiRoute({ query: listRunsQueryParams }, async ({ projectId, query }) => {
  const { limit, cursor, ...filters } = query;
  const page = await listRuns(getDb(), projectId, filters, { limit, cursor });
  return json({ data: page.data.map(toRunDto), nextCursor: page.nextCursor });
});

const other = otherMethods('GET', 'POST');
export const PUT = other.PUT;
export const PATCH = other.PATCH;
export const DELETE = other.DELETE;
