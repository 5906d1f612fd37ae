import { getDb } from '@/db/client';
import { updateReportBody } from '@/lib/contract';
import { toReportDto, updateReport } from '@/server/reports';
import { idParams } from '../../_lib/params';
import { apiRoute, json, otherMethods } from '../../_lib/route';

export const PATCH = apiRoute(
  { params: idParams, body: updateReportBody },
  async ({ projectId, params, body }) => {
    return json({ report: toReportDto(await updateReport(getDb(), projectId, params.id, body)) });
  },
);

const other = otherMethods('PATCH');
export const GET = other.GET;
export const POST = other.POST;
export const PUT = other.PUT;
export const DELETE = other.DELETE;
