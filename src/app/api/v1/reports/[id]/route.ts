import { getDb } from '@/db/client';
import { routes } from '@/lib/contract/routes';
import { updateReportAudited } from '@/server/reports/audited';
import { toReportDto } from '@/server/reports';
import { apiRoute, otherMethods } from '../../_lib/route';

export const PATCH = apiRoute(routes.updateReport, async ({ projectId, actor, params, body }) => {
  const report = await updateReportAudited(getDb(), { projectId, actor }, params.id, body);
  return { status: 200, body: { report: toReportDto(report) } };
});

const other = otherMethods('PATCH');
export const GET = other.GET;
export const POST = other.POST;
export const PUT = other.PUT;
export const DELETE = other.DELETE;
