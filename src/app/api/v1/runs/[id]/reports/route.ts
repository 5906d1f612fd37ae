import { getDb } from '@/db/client';
import { routes } from '@/lib/contract/routes';
import { createReportAudited } from '@/server/reports/audited';
import { listRunReports, toReportDto } from '@/server/reports';
import { apiRoute, otherMethods } from '../../../_lib/route';

/** 201 when created; a retry with the same client id and fields answers 200 with the stored report. */
export const POST = apiRoute(routes.createReport, async ({ projectId, actor, params, body }) => {
  const { report, created } = await createReportAudited(getDb(), { projectId, actor }, params.id, body);
  return { status: created ? 201 : 200, body: { report: toReportDto(report) } };
});

export const GET = apiRoute(routes.listRunReports, async ({ projectId, params }) => {
  return { status: 200, body: { data: await listRunReports(getDb(), projectId, params.id) } };
});

const other = otherMethods('GET', 'POST');
export const PUT = other.PUT;
export const PATCH = other.PATCH;
export const DELETE = other.DELETE;
