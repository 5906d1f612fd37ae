import { getDb } from '@/db/client';
import { routes } from '@/lib/contract/routes';
import { toReportDto, updateReport } from '@/server/reports';
import { apiRoute, otherMethods } from '../../_lib/route';

export const PATCH = apiRoute(routes.updateReport, async ({ projectId, params, body }) => {
  return {
    status: 200,
    body: { report: toReportDto(await updateReport(getDb(), projectId, params.id, body)) },
  };
});

const other = otherMethods('PATCH');
export const GET = other.GET;
export const POST = other.POST;
export const PUT = other.PUT;
export const DELETE = other.DELETE;
