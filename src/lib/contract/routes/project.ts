import { putRetentionBody, retentionResponse } from '../retention';
import { defineRoute, writeErrors } from '../route';

const tag = 'Project';

export const getRetention = defineRoute({
  method: 'GET',
  path: '/api/v1/project/retention',
  tag,
  summary: "The project's retention (runs: days or null for forever; usage ledger: days)",
  responses: { 200: { description: 'Retention', schema: retentionResponse } },
});

export const putRetention = defineRoute({
  method: 'PUT',
  path: '/api/v1/project/retention',
  tag,
  summary: 'Replace the retention; the background job deletes what expired on its next pass',
  description:
    'Runs older than runDays are deleted with their events, results and reports; ledger rows older than usageDays (whole UTC days, never inside the current month) and counters of ended windows are deleted. Batches of at most 1000 rows.',
  body: putRetentionBody,
  responses: { 200: { description: 'Retention', schema: retentionResponse } },
  errors: writeErrors,
});
