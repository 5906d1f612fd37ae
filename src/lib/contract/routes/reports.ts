import {
  createReportBody,
  createSectionBody,
  reportList,
  reportResponse,
  sectionResponse,
  updateReportBody,
} from '../reports';
import { defineRoute, idParams, writeErrors } from '../route';

const tag = 'Reports';

export const createReport = defineRoute({
  method: 'POST',
  path: '/api/v1/runs/{id}/reports',
  tag,
  summary: 'Create a report (or a branch report under parentReportId)',
  description:
    'A parent report of another project (or unknown) is 404; a parent of another run of the project is 400. The same client `id` with the same fields answers 200 with the stored report, other fields 409.',
  params: idParams,
  body: createReportBody,
  responses: {
    201: { description: 'Created', schema: reportResponse },
    200: { description: 'Idempotent retry: the stored report', schema: reportResponse },
  },
  errors: [404, 409, ...writeErrors],
});

export const listRunReports = defineRoute({
  method: 'GET',
  path: '/api/v1/runs/{id}/reports',
  tag,
  summary: "A run's reports with their sections in order and their branch reports nested",
  params: idParams,
  responses: { 200: { description: 'Top-level reports, oldest first', schema: reportList } },
  errors: [404],
});

export const addSection = defineRoute({
  method: 'POST',
  path: '/api/v1/reports/{id}/sections',
  tag,
  summary: 'Add a Markdown section (appended, or inserted at `position`)',
  params: idParams,
  body: createSectionBody,
  responses: { 201: { description: 'Created', schema: sectionResponse } },
  errors: [404, ...writeErrors],
});

export const updateReport = defineRoute({
  method: 'PATCH',
  path: '/api/v1/reports/{id}',
  tag,
  summary: "Change a report's title or status",
  params: idParams,
  body: updateReportBody,
  responses: { 200: { description: 'The updated report', schema: reportResponse } },
  errors: [404, ...writeErrors],
});
