import { z } from 'zod';
import { defineRoute } from '../route';

const tag = 'Meta';

export const openApiDocument = defineRoute({
  method: 'GET',
  path: '/api/v1/openapi.json',
  tag,
  summary: 'This document (no API key needed)',
  public: true,
  responses: {
    200: { description: 'OpenAPI 3.1 document', schema: z.looseObject({ openapi: z.string() }) },
  },
});

export const health = defineRoute({
  method: 'GET',
  path: '/api/health',
  tag,
  summary:
    'Readiness (no API key needed): 200 once the server has started and its database answers; 503 while it cannot reach the database, is starting, or is shutting down',
  public: true,
  responses: {
    200: {
      description: 'Ready',
      schema: z.object({ ok: z.literal(true), database: z.enum(['pglite', 'postgres']) }),
    },
  },
  errors: [503],
});
