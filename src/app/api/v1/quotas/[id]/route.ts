import { getDb } from '@/db/client';
import { routes } from '@/lib/contract/routes';
import { removeQuotaAudited } from '@/server/usage/quotas-audited';
import { apiRoute } from '../../_lib/route';

export const DELETE = apiRoute(routes.deleteQuota, async ({ projectId, actor, params }) => {
  await removeQuotaAudited(getDb(), { projectId, actor }, params.id);
  return { status: 204, body: null };
});
