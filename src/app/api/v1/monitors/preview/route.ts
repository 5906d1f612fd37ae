import { getDb } from '@/db/client';
import { routes } from '@/lib/contract/routes';
import { checkQuota, previewMonitor } from '@/server/monitors';
import { apiRoute, otherMethods } from '../../_lib/route';

export const POST = apiRoute(routes.previewMonitor, async ({ projectId, body }) => {
  await checkQuota(getDb(), projectId, body.metric === 'quota_use' ? body.quotaId : null);
  const { rangeHours, points, ...m } = body;
  const preview = await previewMonitor(
    getDb(),
    { ...m, projectId, scoreName: m.scoreName ?? null, quotaId: m.quotaId ?? null },
    { now: new Date(), rangeHours, points },
  );
  return { status: 200, body: preview };
});

const other = otherMethods('POST');
export const GET = other.GET;
export const PUT = other.PUT;
export const PATCH = other.PATCH;
export const DELETE = other.DELETE;
