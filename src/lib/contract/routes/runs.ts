import { createRunBody, exportRunsQuery, listRunsQuery, runPage, runResponse, updateRunBody } from '../runs';
import { defineRoute, idParams, writeErrors } from '../route';

const tag = 'Runs';

export const createRun = defineRoute({
  method: 'POST',
  path: '/api/v1/runs',
  tag,
  summary: 'Create a run',
  description:
    'With a client-chosen `id` already stored: the same body answers 200 with the stored run, another body 409.',
  body: createRunBody,
  responses: {
    201: { description: 'Created', schema: runResponse },
    200: { description: 'Idempotent retry: the stored run', schema: runResponse },
  },
  errors: [409, ...writeErrors],
});

export const listRuns = defineRoute({
  method: 'GET',
  path: '/api/v1/runs',
  tag,
  summary: 'List runs, newest first',
  query: listRunsQuery,
  responses: { 200: { description: 'A page of runs', schema: runPage } },
});

export const getRun = defineRoute({
  method: 'GET',
  path: '/api/v1/runs/{id}',
  tag,
  summary: 'Get a run',
  params: idParams,
  responses: { 200: { description: 'The run', schema: runResponse } },
  errors: [404],
});

export const updateRun = defineRoute({
  method: 'PATCH',
  path: '/api/v1/runs/{id}',
  tag,
  summary: 'Update a run',
  description:
    'A finished run cannot become queued/running again (409). A finished status without `endedAt` sets it to now.',
  params: idParams,
  body: updateRunBody,
  responses: { 200: { description: 'The updated run', schema: runResponse } },
  errors: [404, 409, ...writeErrors],
});

export const deleteRun = defineRoute({
  method: 'DELETE',
  path: '/api/v1/runs/{id}',
  tag,
  summary: 'Delete a run with its events, results and reports',
  params: idParams,
  responses: { 204: { description: 'Deleted', schema: null } },
  errors: [404],
});

export const exportRuns = defineRoute({
  method: 'GET',
  path: '/api/v1/runs/export',
  tag,
  summary: 'Export the filtered history as CSV or JSONL (streamed)',
  description:
    "The filters of GET /runs (`meta.<key>=<value>` included), every page, newest first. `format=csv` (a header row; JSON fields as JSON text) or `jsonl` (a run per line; `events=1` adds each run's events). Streamed from keyset pages: constant server memory.",
  query: exportRunsQuery,
  responses: {
    200: {
      description: 'text/csv or application/x-ndjson',
      schema: null,
      contentTypes: ['text/csv', 'application/x-ndjson'],
    },
  },
});
