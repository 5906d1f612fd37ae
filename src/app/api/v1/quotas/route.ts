import { getDb } from '@/db/client';
import { routes } from '@/lib/contract/routes';
import { createQuotaAudited } from '@/server/usage/quotas-audited';
import { listQuotas } from '@/server/usage';
import { apiRoute } from '../_lib/route';

/** Upsert on subject + metric + window: the same call again changes the limit or mode in place. */
export const PUT = apiRoute(routes.putQuota, async ({ projectId, actor, body }) => {
  return { status: 200, body: { quota: await createQuotaAudited(getDb(), { projectId, actor }, body) } };
});

export const GET = apiRoute(routes.listQuotas, async ({ projectId }) => {
  return { status: 200, body: { data: await listQuotas(getDb(), projectId) } };
});
