import { getDb } from '@/db/client';
import { updateReportBody } from '@/lib/contract';
import { toReportDto, updateReport } from '@/server/reports';
import { idParams } from '../../_lib/params';
import { apiRoute, json } from '../../_lib/route';

export const PATCH = apiRoute(
  { params: idParams, body: updateReportBody },
  async ({ projectId, params, body }) => {
    return json({ report: toReportDto(await updateReport(getDb(), projectId, params.id, body)) });
  },
);
