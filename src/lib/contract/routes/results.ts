import { addResultsBody, addResultsResponse, listResultsQuery, resultPage } from '../results';
import { exportResultsQuery } from '../runs';
import { defineRoute, idParams, writeErrors } from '../route';

const tag = 'Results';

export const addResults = defineRoute({
  method: 'POST',
  path: '/api/v1/runs/{id}/results',
  tag,
  summary: 'Store dataset-item results (1..1000); an itemId already stored is replaced',
  params: idParams,
  body: addResultsBody,
  responses: { 200: { description: 'How many rows were written', schema: addResultsResponse } },
  errors: [404, ...writeErrors],
});

export const listResults = defineRoute({
  method: 'GET',
  path: '/api/v1/runs/{id}/results',
  tag,
  summary: 'List results by itemId',
  params: idParams,
  query: listResultsQuery,
  responses: { 200: { description: 'A page of results', schema: resultPage } },
  errors: [404],
});

export const exportResults = defineRoute({
  method: 'GET',
  path: '/api/v1/runs/{id}/results/export',
  tag,
  summary: "Export a dataset run's results as CSV or JSONL (streamed)",
  params: idParams,
  query: exportResultsQuery,
  responses: {
    200: {
      description: 'text/csv (with a status column) or application/x-ndjson',
      schema: null,
      contentTypes: ['text/csv', 'application/x-ndjson'],
    },
  },
  errors: [404],
});
