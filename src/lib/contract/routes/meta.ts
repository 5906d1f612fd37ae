import { z } from 'zod';
import { defineRoute } from '../route';

const tag = 'Meta';
/** No query parameters: an unknown one is a 400, as on every route. */
const noQuery = z.strictObject({});

export const openApiDocument = defineRoute({
  method: 'GET',
  path: '/api/v1/openapi.json',
  tag,
  summary: 'This document (no API key needed)',
  public: true,
  query: noQuery,
  responses: {
    200: { description: 'OpenAPI 3.1 document', schema: z.looseObject({ openapi: z.string() }) },
  },
  errors: [400],
});

export const health = defineRoute({
  method: 'GET',
  path: '/api/health',
  tag,
  summary:
    'Readiness (no API key needed): 200 once the server has started and its database answers; 503 while it cannot reach the database, is starting, or is shutting down',
  public: true,
  query: noQuery,
  responses: {
    200: {
      description: 'Ready',
      schema: z.object({ ok: z.literal(true), database: z.enum(['pglite', 'postgres']) }),
    },
  },
  errors: [400, 503],
});
