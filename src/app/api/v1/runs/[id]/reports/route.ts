import { getDb } from '@/db/client';
import { createReportBody } from '@/lib/contract';
import { createReport, listRunReports, toReportDto } from '@/server/reports';
import { idParams } from '../../../_lib/params';
import { apiRoute, json, otherMethods } from '../../../_lib/route';

/** 201 when created; a retry with the same client id and fields answers 200 with the stored report. */
export const POST = apiRoute(
  { params: idParams, body: createReportBody },
  async ({ projectId, params, body }) => {
    const { report, created } = await createReport(getDb(), projectId, params.id, body);
    return json({ report: toReportDto(report) }, created ? 201 : 200);
  },
);

export const GET = apiRoute({ params: idParams }, async ({ projectId, params }) => {
  return json({ data: await listRunReports(getDb(), projectId, params.id) });
});

const other = otherMethods('GET', 'POST');
export const PUT = other.PUT;
export const PATCH = other.PATCH;
export const DELETE = other.DELETE;
