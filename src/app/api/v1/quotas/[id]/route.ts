import { getDb } from '@/db/client';
import { deleteQuota } from '@/server/usage';
import { idParams } from '../../_lib/params';
import { apiRoute, noContent } from '../../_lib/route';

export const DELETE = apiRoute({ params: idParams }, async ({ projectId, params }) => {
  await deleteQuota(getDb(), projectId, params.id);
  return noContent();
});
