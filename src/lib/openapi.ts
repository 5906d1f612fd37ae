import { z } from 'zod';
import * as c from './contract';

/**
 * The OpenAPI 3.1 document of /api/v1, generated from the same zod schemas the routes parse with.
 * Routes are declared below; request schemas are rendered as input (defaults optional), responses
 * as output. Named schemas go to components and are referenced, so recursive ones (Report) work.
 */

type Status = 200 | 201 | 204;
type ErrorStatus = 400 | 401 | 404 | 409 | 413 | 415 | 429;

export type ApiRouteDoc = {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  description?: string;
  tag: string;
  /** Path parameters (all uuids here). */
  params?: Record<string, string>;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Success answers: a schema, or null for no body (204). */
  responses: Partial<Record<Status, { description: string; schema: z.ZodType | null }>>;
  /** Error statuses this route can answer besides 400/401/500, which every route can. */
  errors?: ErrorStatus[];
  /** No API key needed. */
  public?: boolean;
};

// Usage routes answer these; the usage engineer owns them (move into contract/usage.ts with the routes).
const quotaResponse = z.object({ quota: c.quotaDto });
const quotaList = z.object({ data: z.array(c.quotaDto) });
const reservationResponse = z.object({ reservation: c.reservationDto, windows: z.array(c.usageWindowDto) });
const commitResponse = z.object({
  reservation: c.reservationDto,
  windows: z.array(c.usageWindowDto),
  overrunBy: z.number().int().describe('How far the actual amount went past the reservation (0 when it fit)'),
  late: z.boolean().describe('Committed after expiresAt'),
});
const releaseResponse = reservationResponse;
const reportData = z.object({ data: z.array(c.reportDto) });

const id = { id: 'The resource id (uuid)' };
const writeErrors: ErrorStatus[] = [413, 415];

export const apiRoutes: ApiRouteDoc[] = [
  // --- runs
  {
    method: 'post',
    path: '/api/v1/runs',
    tag: 'Runs',
    summary: 'Create a run',
    description:
      'With a client-chosen `id` already stored: the same body answers 200 with the stored run, another body 409.',
    body: c.createRunBody,
    responses: {
      201: { description: 'Created', schema: c.runResponse },
      200: { description: 'Idempotent retry: the stored run', schema: c.runResponse },
    },
    errors: [409, ...writeErrors],
  },
  {
    method: 'get',
    path: '/api/v1/runs',
    tag: 'Runs',
    summary: 'List runs, newest first',
    query: c.listRunsQuery,
    responses: { 200: { description: 'A page of runs', schema: c.runPage } },
  },
  {
    method: 'get',
    path: '/api/v1/runs/{id}',
    tag: 'Runs',
    summary: 'Get a run',
    params: id,
    responses: { 200: { description: 'The run', schema: c.runResponse } },
    errors: [404],
  },
  {
    method: 'patch',
    path: '/api/v1/runs/{id}',
    tag: 'Runs',
    summary: 'Update a run',
    description:
      'A finished run cannot become queued/running again (409). A finished status without `endedAt` sets it to now.',
    params: id,
    body: c.updateRunBody,
    responses: { 200: { description: 'The updated run', schema: c.runResponse } },
    errors: [404, 409, ...writeErrors],
  },
  {
    method: 'delete',
    path: '/api/v1/runs/{id}',
    tag: 'Runs',
    summary: 'Delete a run with its events, results and reports',
    params: id,
    responses: { 204: { description: 'Deleted', schema: null } },
    errors: [404],
  },
  // --- events
  {
    method: 'post',
    path: '/api/v1/runs/{id}/events',
    tag: 'Events',
    summary: 'Append events (1..1000, unique seqs)',
    description:
      'A seq already stored with the same type and payload is a duplicate (ignored); with a different one the whole call is 409 with `details.seqs`, storing nothing. `usage` events add their tokens and cost to the run.',
    params: id,
    body: c.appendEventsBody,
    responses: { 200: { description: 'Counts of new and duplicate events', schema: c.appendEventsResponse } },
    errors: [404, 409, ...writeErrors],
  },
  {
    method: 'get',
    path: '/api/v1/runs/{id}/events',
    tag: 'Events',
    summary: 'List events with seq > afterSeq, ascending',
    params: id,
    query: c.listEventsQuery,
    responses: { 200: { description: 'A page of events', schema: c.eventPage } },
    errors: [404],
  },
  // --- results
  {
    method: 'post',
    path: '/api/v1/runs/{id}/results',
    tag: 'Results',
    summary: 'Store dataset-item results (1..1000); an itemId already stored is replaced',
    params: id,
    body: c.addResultsBody,
    responses: { 200: { description: 'How many rows were written', schema: c.addResultsResponse } },
    errors: [404, ...writeErrors],
  },
  {
    method: 'get',
    path: '/api/v1/runs/{id}/results',
    tag: 'Results',
    summary: 'List results by itemId',
    params: id,
    query: c.listResultsQuery,
    responses: { 200: { description: 'A page of results', schema: c.resultPage } },
    errors: [404],
  },
  // --- reports
  {
    method: 'post',
    path: '/api/v1/runs/{id}/reports',
    tag: 'Reports',
    summary: 'Create a report (or a branch report under parentReportId)',
    description:
      'A parent report of another project (or unknown) is 404; a parent of another run of the project is 400. The same client `id` with the same fields answers 200 with the stored report, other fields 409.',
    params: id,
    body: c.createReportBody,
    responses: {
      201: { description: 'Created', schema: c.reportResponse },
      200: { description: 'Idempotent retry: the stored report', schema: c.reportResponse },
    },
    errors: [404, 409, ...writeErrors],
  },
  {
    method: 'get',
    path: '/api/v1/runs/{id}/reports',
    tag: 'Reports',
    summary: "A run's reports with their sections in order and their branch reports nested",
    params: id,
    responses: { 200: { description: 'Top-level reports, oldest first', schema: reportData } },
    errors: [404],
  },
  {
    method: 'post',
    path: '/api/v1/reports/{id}/sections',
    tag: 'Reports',
    summary: 'Add a Markdown section (appended, or inserted at `position`)',
    params: id,
    body: c.createSectionBody,
    responses: { 201: { description: 'Created', schema: c.sectionResponse } },
    errors: [404, ...writeErrors],
  },
  {
    method: 'patch',
    path: '/api/v1/reports/{id}',
    tag: 'Reports',
    summary: "Change a report's title or status",
    params: id,
    body: c.updateReportBody,
    responses: { 200: { description: 'The updated report', schema: c.reportResponse } },
    errors: [404, ...writeErrors],
  },
  // --- usage and quotas
  {
    method: 'put',
    path: '/api/v1/quotas',
    tag: 'Usage',
    summary: 'Create or replace a quota (upsert on subject + metric + window)',
    body: c.putQuotaBody,
    responses: { 200: { description: 'The quota', schema: quotaResponse } },
    errors: writeErrors,
  },
  {
    method: 'get',
    path: '/api/v1/quotas',
    tag: 'Usage',
    summary: "The project's quotas",
    responses: { 200: { description: 'Quotas', schema: quotaList } },
  },
  {
    method: 'delete',
    path: '/api/v1/quotas/{id}',
    tag: 'Usage',
    summary: 'Delete a quota',
    params: id,
    responses: { 204: { description: 'Deleted', schema: null } },
    errors: [404],
  },
  {
    method: 'post',
    path: '/api/v1/usage',
    tag: 'Usage',
    summary: 'Check every hard quota and record usage, atomically',
    description:
      'Over a hard quota: 429 with the windows in `details` and Retry-After / RateLimit-* headers; nothing is recorded. The same idempotencyKey returns the first answer.',
    body: c.recordUsageBody,
    responses: { 200: { description: 'Recorded', schema: c.recordUsageResponse } },
    errors: [404, 429, ...writeErrors],
  },
  {
    method: 'get',
    path: '/api/v1/usage',
    tag: 'Usage',
    summary: 'The current windows of a subject and metric',
    query: c.getUsageQuery,
    responses: { 200: { description: 'Windows', schema: c.getUsageResponse } },
  },
  {
    method: 'get',
    path: '/api/v1/usage/series',
    tag: 'Usage',
    summary: 'Usage totals per hour or day',
    query: c.usageSeriesQuery,
    responses: { 200: { description: 'Buckets', schema: c.usageSeriesResponse } },
  },
  {
    method: 'get',
    path: '/api/v1/audit',
    tag: 'Audit',
    summary: "The project's audit log, newest first, in keyset pages",
    description:
      'Every write made from the dashboard or the CLI (keys, quotas with before/after, run deletes, members, retention), written in the same transaction as the change.',
    query: c.listAuditQuery,
    responses: { 200: { description: 'Entries', schema: c.listAuditResponse } },
  },
  {
    method: 'post',
    path: '/api/v1/usage/reservations',
    tag: 'Usage',
    summary: 'Hold capacity against every hard quota until commit, release or expiry',
    body: c.createReservationBody,
    responses: { 201: { description: 'Held', schema: reservationResponse } },
    errors: [404, 429, ...writeErrors],
  },
  {
    method: 'post',
    path: '/api/v1/usage/reservations/{id}/commit',
    tag: 'Usage',
    summary: 'Settle a reservation with the actual amount',
    description:
      'The actual amount is recorded, the unused rest released; an amount above the reservation is recorded in full and `overrunBy` says by how much. Settling twice: 409.',
    params: id,
    body: c.commitReservationBody,
    responses: { 200: { description: 'Committed', schema: commitResponse } },
    errors: [404, 409, ...writeErrors],
  },
  {
    method: 'post',
    path: '/api/v1/usage/reservations/{id}/release',
    tag: 'Usage',
    summary: 'Cancel a reservation',
    params: id,
    responses: { 200: { description: 'Released', schema: releaseResponse } },
    errors: [404, 409],
  },
  {
    method: 'get',
    path: '/api/v1/openapi.json',
    tag: 'Meta',
    summary: 'This document (no API key needed)',
    public: true,
    responses: {
      200: { description: 'OpenAPI 3.1 document', schema: z.looseObject({ openapi: z.string() }) },
    },
  },
];

const errorDescriptions: Record<ErrorStatus | 500, string> = {
  400: 'bad_request: malformed JSON, schema violation (zod issues in details), bad query parameters',
  401: 'unauthorized: missing, malformed, unknown or revoked API key',
  404: 'not_found: unknown id, or an id of another project',
  409: 'conflict: the request contradicts stored state',
  413: 'payload_too_large: body over 5 MiB',
  415: 'unsupported_media_type: the body is not application/json',
  429: 'quota_exceeded: a hard quota would be exceeded (windows in details)',
  500: 'internal: a bug; never leaks SQL, stack traces or secrets',
};

/** Named components: the schemas a reader looks for by name, referenced wherever they appear. */
const named: [string, z.ZodType][] = [
  ['JsonValue', c.json],
  ['Run', c.runDto],
  ['Event', c.eventDto],
  ['EventInput', c.eventInput],
  ['Result', c.resultDto],
  ['ResultInput', c.resultInput],
  ['Report', c.reportDto],
  ['Section', c.sectionDto],
  ['Quota', c.quotaDto],
  ['UsageWindow', c.usageWindowDto],
  ['Reservation', c.reservationDto],
  ['Error', c.errorBody],
];

type JsonObject = Record<string, unknown>;

/** Drops noise the generator adds: `$schema`/`$id`, regexes next to a format, ±MAX_SAFE_INTEGER bounds. */
function tidy(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(tidy);
  if (!node || typeof node !== 'object') return node;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(node as JsonObject)) {
    if (k === '$schema' || k === '$id') continue;
    if (k === 'pattern' && typeof (node as JsonObject).format === 'string') continue;
    if ((k === 'minimum' || k === 'maximum') && Math.abs(Number(v)) === Number.MAX_SAFE_INTEGER) continue;
    out[k] = tidy(v);
  }
  return out;
}

const pascal = (s: string) =>
  s
    .replace(/[{}]/g, '')
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');

/** Builds the document (pure; the route caches it). */
export function buildOpenApi(): JsonObject {
  // Requests as input, responses as output, each in its own registry, so names never mean two shapes.
  const inputs = z.registry<{ id: string }>();
  const outputs = z.registry<{ id: string }>();
  for (const [name, schema] of named) {
    if (name.endsWith('Input') || name === 'JsonValue') inputs.add(schema, { id: name });
    if (!name.endsWith('Input')) outputs.add(schema, { id: name });
  }
  const ops: { route: ApiRouteDoc; op: string }[] = apiRoutes.map((route) => ({
    route,
    op: `${route.method}${pascal(route.path.replace('/api/v1', ''))}`,
  }));
  for (const { route, op } of ops) {
    if (route.body && !inputs.has(route.body)) inputs.add(route.body, { id: `${pascal(op)}Body` });
    if (route.query && !inputs.has(route.query)) inputs.add(route.query, { id: `${pascal(op)}Query` });
    let n = 0;
    for (const res of Object.values(route.responses)) {
      if (!res?.schema || outputs.has(res.schema)) continue;
      outputs.add(res.schema, { id: `${pascal(op)}Response${n++ ? n : ''}` });
    }
  }
  const uri = (name: string) => `#/components/schemas/${name}`;
  // contract `json` is a cheap custom check at run time; in the document it is any JSON value.
  const override = (ctx: { zodSchema: unknown; jsonSchema: JsonObject }) => {
    if (ctx.zodSchema === c.json) ctx.jsonSchema.description = 'Any JSON value';
  };
  const inSchemas = z.toJSONSchema(inputs, {
    target: 'draft-2020-12',
    io: 'input',
    uri,
    unrepresentable: 'any',
  }).schemas as Record<string, JsonObject>;
  const outSchemas = z.toJSONSchema(outputs, {
    target: 'draft-2020-12',
    io: 'output',
    uri,
    unrepresentable: 'any',
    override,
  }).schemas as Record<string, JsonObject>;
  const schemas = tidy({ ...inSchemas, ...outSchemas }) as Record<string, JsonObject>;
  const ref = (registry: typeof inputs, schema: z.ZodType) => ({ $ref: uri(registry.get(schema)!.id) });

  const paths: Record<string, JsonObject> = {};
  for (const { route, op } of ops) {
    const parameters: JsonObject[] = [];
    for (const [name, description] of Object.entries(route.params ?? {})) {
      parameters.push({
        name,
        in: 'path',
        required: true,
        description,
        schema: { type: 'string', format: 'uuid' },
      });
    }
    if (route.query) {
      const q = schemas[inputs.get(route.query)!.id]!;
      const required = new Set((q.required as string[] | undefined) ?? []);
      for (const [name, schema] of Object.entries((q.properties as Record<string, JsonObject>) ?? {})) {
        const hasDefault = schema.default !== undefined;
        parameters.push({ name, in: 'query', required: required.has(name) && !hasDefault, schema });
      }
    }
    const responses: JsonObject = {};
    for (const [status, res] of Object.entries(route.responses)) {
      if (!res) continue;
      responses[status] = res.schema
        ? {
            description: res.description,
            content: { 'application/json': { schema: ref(outputs, res.schema) } },
          }
        : { description: res.description };
    }
    const errors: (ErrorStatus | 500)[] = route.public ? [] : [400, 401, ...(route.errors ?? []), 500];
    for (const status of [...new Set(errors)].sort()) {
      responses[status] = { $ref: `#/components/responses/Error${status}` };
    }
    const operation: JsonObject = {
      operationId: op,
      tags: [route.tag],
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: ref(inputs, route.body) } },
            },
          }
        : {}),
      responses,
      ...(route.public ? { security: [] } : {}),
    };
    paths[route.path] = { ...paths[route.path], [route.method]: operation };
  }

  const errorResponses: JsonObject = {};
  for (const [status, description] of Object.entries(errorDescriptions)) {
    errorResponses[`Error${status}`] = {
      description,
      content: { 'application/json': { schema: { $ref: uri('Error') } } },
      ...(status === '429'
        ? {
            headers: Object.fromEntries(
              ['Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'].map((h) => [
                h,
                { schema: { type: 'integer' } },
              ]),
            ),
          }
        : {}),
    };
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'runledger API',
      version: '1',
      description:
        'AI run history, event replay and usage quotas. Every route needs `Authorization: Bearer <api key>`; everything is scoped to the key\'s project. Errors: `{ "error": { "code", "message", "details"? } }`.',
    },
    servers: [{ url: '/' }],
    security: [{ apiKey: [] }],
    tags: ['Runs', 'Events', 'Results', 'Reports', 'Usage', 'Meta'].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key: rl_...' } },
      schemas,
      responses: errorResponses,
    },
  };
}
