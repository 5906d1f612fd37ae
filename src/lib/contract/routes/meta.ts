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
  summary: 'Readiness: answers once migrations (and the first-start seed) are done (no API key needed)',
  public: true,
  responses: { 200: { description: 'Ready', schema: z.object({ ok: z.literal(true) }) } },
});
