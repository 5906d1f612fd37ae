import { z } from 'zod';
import * as c from './contract';
import type { ErrorStatus, RouteDecl } from './contract/route';
import { apiRoutes } from './contract/routes';

/**
 * The OpenAPI 3.1 document of /api/v1, built from the route declarations the handlers are built from
 * (src/lib/contract/routes). Request schemas are rendered as input (defaults optional), responses as
 * output. Named schemas go to components and are referenced, so recursive ones (Report) work.
 */

const errorDescriptions: Record<ErrorStatus | 500 | 503, string> = {
  400: 'bad_request: malformed JSON, schema violation (zod issues in details), bad query parameters',
  401: 'unauthorized: missing, malformed, unknown or revoked API key',
  403: 'forbidden: signed in and a member of the project, but the role does not allow this',
  404: 'not_found: unknown id, or an id of another project',
  409: 'conflict: the request contradicts stored state',
  413: 'payload_too_large: body over 5 MiB',
  415: 'unsupported_media_type: the body is not application/json',
  429: 'quota_exceeded: a hard quota would be exceeded (windows in details)',
  500: 'internal: a bug; never leaks SQL, stack traces or secrets',
  503: 'service_unavailable: the database cannot be reached or the server is shutting down; retry after Retry-After',
};

/** The document's tags, in this order, with what their routes are about. */
const tagDescriptions: Record<string, string> = {
  Runs: 'Runs: one AI chat, agent or dataset run each, with its status, user, model, tokens and cost.',
  Events: "A run's events in seq order: what its replay shows. Appends are idempotent by seq.",
  Results: 'The item results of a dataset run.',
  Reports: 'Markdown reports attached to a run, written section by section.',
  Usage: 'The usage ledger per subject and metric, quotas per calendar window, and reservations.',
  Project: "Settings of the key's project.",
  Audit: "The project's audit log: who changed what.",
  Scores:
    'Scores of runs, steps and dataset results (from the API, annotation and evaluators), and score configs.',
  Alerts:
    'Monitors (a metric over a rolling window against a threshold) and their incidents; webhook destinations that receive alert events (monitors firing or resolved, quota limits crossed or refused, test events), and their delivery logs.',
  Evaluators:
    'Evaluators that score runs and dataset results (code checks and LLM judges), their model providers, and evaluations.',
  'Annotation queues':
    'Queues of runs for people to review and score: made from a selection or a history filter, worked through one leased item at a time per reviewer.',
  OpenTelemetry:
    'OTLP/HTTP receivers: traces (and their GenAI spans) become runs; logs (and GenAI evaluation events) attach to them.',
  Meta: 'This document and the readiness check; no API key needed.',
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

/** The tags the routes use, described ones first in their order (an undescribed one fails the lint test). */
function documentTags(): { name: string; description?: string }[] {
  const used = new Set(apiRoutes.map((r) => r.tag));
  const names = [
    ...Object.keys(tagDescriptions).filter((t) => used.has(t)),
    ...[...used].filter((t) => !tagDescriptions[t]),
  ];
  return names.map((name) =>
    tagDescriptions[name] ? { name, description: tagDescriptions[name] } : { name },
  );
}

/** Builds the document (pure; the route caches it). */
export function buildOpenApi(): JsonObject & { openapi: string } {
  // Requests as input, responses as output, each in its own registry, so names never mean two shapes.
  const inputs = z.registry<{ id: string }>();
  const outputs = z.registry<{ id: string }>();
  for (const [name, schema] of named) {
    if (name.endsWith('Input') || name === 'JsonValue') inputs.add(schema, { id: name });
    if (!name.endsWith('Input')) outputs.add(schema, { id: name });
  }
  const ops: { route: RouteDecl; op: string }[] = apiRoutes.map((route) => ({
    route,
    op: `${route.method.toLowerCase()}${pascal(route.path.replace(/^\/api(\/v1)?/, ''))}`,
  }));
  for (const { route, op } of ops) {
    if (route.body && !inputs.has(route.body)) inputs.add(route.body, { id: `${pascal(op)}Body` });
    const raw = route.rawBody?.schema;
    if (raw && !inputs.has(raw)) inputs.add(raw, { id: `${pascal(op)}Body` });
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
  const usedErrors = new Set<string>();
  for (const { route, op } of ops) {
    const parameters: JsonObject[] = [];
    if (route.params) {
      const path = tidy(z.toJSONSchema(route.params, { io: 'input' })) as JsonObject;
      for (const [name, { description, ...schema }] of Object.entries(
        path.properties as Record<string, JsonObject>,
      )) {
        parameters.push({ name, in: 'path', required: true, description, schema });
      }
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
      // JSON under its schema; any other declared type (a stream, protobuf) as bytes.
      const content: JsonObject = Object.fromEntries(
        (res.contentTypes ?? []).map((t) => [t, { schema: { type: 'string', format: 'binary' } }]),
      );
      if (res.schema) content['application/json'] = { schema: ref(outputs, res.schema) };
      responses[status] = Object.keys(content).length
        ? { description: res.description, content }
        : { description: res.description };
    }
    const errors: (ErrorStatus | 500 | 503)[] = route.public
      ? (route.errors ?? [])
      : [400, 401, ...(route.errors ?? []), 500, 503];
    for (const status of [...new Set(errors)].sort()) {
      responses[status] = { $ref: `#/components/responses/Error${status}` };
      usedErrors.add(String(status));
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
      ...(route.rawBody
        ? {
            requestBody: {
              required: true,
              description: route.rawBody.description,
              content: Object.fromEntries(
                route.rawBody.contentTypes.map((t) => [
                  t,
                  t === 'application/json' && route.rawBody?.schema
                    ? { schema: ref(inputs, route.rawBody.schema) }
                    : { schema: { type: 'string', format: 'binary' } },
                ]),
              ),
            },
          }
        : {}),
      responses,
      ...(route.public ? { security: [] } : {}),
    };
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation };
  }

  // A query is listed as its parameters, never referenced whole: not a component.
  for (const { route } of ops) if (route.query) delete schemas[inputs.get(route.query)!.id];

  const errorResponses: JsonObject = {};
  for (const [status, description] of Object.entries(errorDescriptions)) {
    if (!usedErrors.has(status)) continue;
    errorResponses[`Error${status}`] = {
      description,
      content: { 'application/json': { schema: { $ref: uri('Error') } } },
      ...(status === '503' ? { headers: { 'Retry-After': { schema: { type: 'integer' } } } } : {}),
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
      license: { name: 'MIT', identifier: 'MIT' },
      description:
        'AI run history, event replay and usage quotas. Every route needs `Authorization: Bearer <api key>`; everything is scoped to the key\'s project. Errors: `{ "error": { "code", "message", "details"? } }`.',
    },
    servers: [{ url: '/' }],
    security: [{ apiKey: [] }],
    tags: documentTags(),
    paths,
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key: rl_...' } },
      schemas,
      responses: errorResponses,
    },
  };
}
