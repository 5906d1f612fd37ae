import { getDb } from '@/db/client';
import { routes } from '@/lib/contract/routes';
import { deleteQuota } from '@/server/usage';
import { apiRoute } from '../../_lib/route';

export const DELETE = apiRoute(routes.deleteQuota, async ({ projectId, params }) => {
  await deleteQuota(getDb(), projectId, params.id);
  return { status: 204, body: null };
});
