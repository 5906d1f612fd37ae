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
    'Readiness (no API key needed): 200 once the server has started and its database answers; 503 while it cannot reach the database, is starting, or is shutting down. A read replica that lags or is down does not make it 503: pages read the primary meanwhile',
  public: true,
  query: noQuery,
  responses: {
    200: {
      description: 'Ready',
      schema: z.object({
        ok: z.literal(true),
        database: z.enum(['pglite', 'postgres']),
        /** Only with DATABASE_READ_URL: its lag, and whether pages read it now (else the primary). */
        replica: z
          .object({
            lagSeconds: z.number().nullable().describe('Seconds behind the primary; null: unreachable'),
            reads: z.enum(['replica', 'primary']),
          })
          .optional(),
      }),
    },
  },
  errors: [400, 503],
});
