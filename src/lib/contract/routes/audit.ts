import { listAuditQuery, listAuditResponse } from '../audit';
import { defineRoute } from '../route';

export const listAudit = defineRoute({
  method: 'GET',
  path: '/api/v1/audit',
  tag: 'Audit',
  summary: "The project's audit log, newest first, in keyset pages",
  description:
    'Every write made from the dashboard or the CLI (keys, quotas with before/after, run deletes, members, retention), written in the same transaction as the change.',
  query: listAuditQuery,
  responses: { 200: { description: 'Entries', schema: listAuditResponse } },
});
