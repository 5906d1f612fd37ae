import { getDb } from '@/db/client';
import { updateRunBody } from '@/lib/contract';
import { deleteRun, requireRun, toRunDto, updateRun } from '@/server/runs';
import { apiRoute, json, noContent, otherMethods } from '../../_lib/route';
import { idParams } from '../../_lib/params';

export const GET = apiRoute({ params: idParams }, async ({ projectId, params }) => {
  return json({ run: toRunDto(await requireRun(getDb(), projectId, params.id)) });
});

export const PATCH = apiRoute(
  { params: idParams, body: updateRunBody },
  async ({ projectId, params, body }) => {
    return json({ run: toRunDto(await updateRun(getDb(), projectId, params.id, body)) });
  },
);

export const DELETE = apiRoute({ params: idParams }, async ({ projectId, params }) => {
  await deleteRun(getDb(), projectId, params.id);
  return noContent();
});

const other = otherMethods('GET', 'PATCH', 'DELETE');
export const POST = other.POST;
export const PUT = other.PUT;
