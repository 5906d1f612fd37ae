import 'server-only';
import { getDb } from '@/db/client';
import { env } from '@/lib/env';
import { noPhaseTimer, type PhaseTimer } from '@/lib/phase-timer';
import {
  type BodyOf,
  type Method,
  nestDottedParams,
  type ParamsOf,
  type QueryOf,
  type Reply,
  type RouteDecl,
} from '@/lib/contract/route';
import { verifyApiKey } from '@/server/api-keys';
import { AppError } from '@/server/errors';
import { errorResponse, json, queryObject, secured, zodError } from '@/app/_lib/http';
import { trackRequest } from '@/server/lifecycle';
import { startServer } from '@/server/startup';
import { parseJsonText, readJsonText } from './body';
import { assertStorableQuery } from './json-safety';

export type ApiContext<B, Q, P> = {
  projectId: string;
  /** The API key that called, as the audit log names it. */
  actor: { apiKey: { id: string; name: string } };
  body: B;
  query: Q;
  params: P;
  request: Request;
  /** The JSON text the body was parsed from (null without a body): a handler may hand it on unparsed. */
  rawBody: string | null;
  /** Adds milliseconds to a phase of this request's Server-Timing (when RUNLEDGER_SERVER_TIMING is on). */
  timing: PhaseTimer;
};

/** Per-phase timings for the Server-Timing header, or a no-op when the setting is off. */
function startTiming(): { timing: PhaseTimer; header: () => string | null } {
  if (!env().RUNLEDGER_SERVER_TIMING) return { timing: noPhaseTimer, header: () => null };
  const phases = new Map<string, number>();
  return {
    timing: { add: (phase, ms) => phases.set(phase, (phases.get(phase) ?? 0) + ms) },
    header: () => [...phases].map(([k, v]) => `${k};dur=${v.toFixed(3)}`).join(', '),
  };
}

type NextRouteContext = { params: Promise<Record<string, string | string[]>> };

const METHODS: Method[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
type NotAllowed = (request: Request) => Response;

/**
 * Handlers for the methods a route does not serve: 405 with `Allow` and the contract's error body
 * (Next.js would answer an empty 405). Spread the ones the route lacks: `export const PUT = other.PUT`.
 */
export function otherMethods(...allowed: Method[]): Record<Method, NotAllowed> {
  const allow = allowed.join(', ');
  const handler: NotAllowed = (request) =>
    json(
      {
        error: { code: 'method_not_allowed', message: `${request.method} is not allowed here; use ${allow}` },
      },
      405,
      { allow },
    );
  return Object.fromEntries(METHODS.map((m) => [m, handler])) as Record<Method, NotAllowed>;
}

/** Any /api path no route serves: the contract's 404 body, for every method, before auth. */
export function noEndpoint(request: Request): Response {
  const { pathname } = new URL(request.url);
  return json(
    { error: { code: 'not_found', message: `No API endpoint ${request.method} ${pathname}` } },
    404,
  );
}

async function authenticate(request: Request) {
  const header = request.headers.get('authorization') ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match)
    throw new AppError('unauthorized', 'Missing or malformed Authorization: Bearer <api key> header');
  const found = await verifyApiKey(getDb(), match[1]!);
  if (!found) throw new AppError('unauthorized', 'Unknown or revoked API key');
  return { projectId: found.projectId, actor: { apiKey: { id: found.keyId, name: found.keyName } } };
}

type RouteHandler<D, C> = (ctx: C) => Promise<Reply<D>>;
/** A route handler as Next.js calls it, carrying its declaration (the route/OpenAPI parity test reads it). */
export type DeclaredHandler = ((request: Request, context: NextRouteContext) => Promise<Response>) & {
  route: RouteDecl;
};

function toResponse(reply: { status: number; body: unknown; headers?: Record<string, string> }): Response {
  if (reply.body === null) return new Response(null, { status: reply.status, headers: reply.headers });
  if (reply.body instanceof ReadableStream || reply.body instanceof Uint8Array)
    return new Response(reply.body as BodyInit, { status: reply.status, headers: reply.headers });
  return json(reply.body, reply.status, reply.headers);
}

/**
 * A JSON body's text, read while the API key is looked up (both mostly wait for I/O); it is parsed and
 * validated only after the key is accepted. Its errors (415, 413) wait for their turn too.
 */
type BodyRead = Promise<{ text: string } | { error: unknown }> | null;

function startBodyRead(route: RouteDecl, request: Request, timing: PhaseTimer): BodyRead {
  if (!route.body) return null;
  return readJsonText(request, timing).then(
    (text) => ({ text }),
    (error: unknown) => ({ error }),
  );
}

async function parseInput(
  route: RouteDecl,
  request: Request,
  context: NextRouteContext,
  bodyRead: BodyRead,
  timing: PhaseTimer = noPhaseTimer,
) {
  let params: unknown;
  if (route.params) {
    const parsed = route.params.safeParse(await context.params);
    if (!parsed.success) throw new AppError('not_found', 'Not found');
    params = parsed.data;
  }
  let query: unknown;
  if (route.query) {
    const raw = queryObject(new URL(request.url));
    assertStorableQuery(raw);
    const parsed = route.query.safeParse(nestDottedParams(raw));
    if (!parsed.success) throw zodError('query parameters', parsed.error);
    query = parsed.data;
  }
  let body: unknown;
  let rawBody: string | null = null;
  if (route.body) {
    // startBodyRead started it for every route with a body.
    const read = await bodyRead!;
    if ('error' in read) throw read.error;
    rawBody = read.text;
    const value = parseJsonText(read.text, timing);
    const t = performance.now();
    if (route.fastBody?.(value)) body = value;
    else {
      const parsed = route.body.safeParse(value);
      if (!parsed.success) throw zodError('body', parsed.error);
      body = parsed.data;
    }
    timing.add('validate', performance.now() - t);
  }
  return { params, query, body, rawBody };
}

/**
 * The one wrapper every /api/v1 handler goes through, built from the route's declaration
 * (src/lib/contract/routes): API-key auth (project scope), path params, query and JSON body parsed
 * with its zod schemas, the answer typed by its response schemas, errors mapped to the contract's
 * body. A path id that fails its schema is a 404 (no such row can exist), not a 400.
 */
/** Counts the request in flight, so a shutdown waits for it (and refuses new ones with a 503). */
const tracked =
  (serve: (request: Request, context: NextRouteContext) => Promise<Response>) =>
  (request: Request, context: NextRouteContext): Promise<Response> =>
    trackRequest(
      () => serve(request, context),
      (err) => errorResponse(err, request),
    ).then(secured);

export function apiRoute<D extends RouteDecl>(
  route: D,
  handler: NoInfer<RouteHandler<D, ApiContext<BodyOf<D>, QueryOf<D>, ParamsOf<D>>>>,
): DeclaredHandler {
  const serve = async (request: Request, context: NextRouteContext): Promise<Response> => {
    const { timing, header } = startTiming();
    let response: Response;
    try {
      await startServer();
      const bodyRead = startBodyRead(route, request, timing);
      let t = performance.now();
      const { projectId, actor } = await authenticate(request);
      timing.add('auth', performance.now() - t);
      const input = await parseInput(route, request, context, bodyRead, timing);
      t = performance.now();
      const reply = await handler({
        projectId,
        actor,
        request,
        body: input.body as BodyOf<D>,
        query: input.query as QueryOf<D>,
        params: input.params as ParamsOf<D>,
        rawBody: input.rawBody,
        timing,
      });
      timing.add('handler', performance.now() - t);
      t = performance.now();
      response = toResponse(reply as { status: number; body: unknown });
      timing.add('answer', performance.now() - t);
    } catch (err) {
      response = errorResponse(err, request);
    }
    const serverTiming = header();
    if (serverTiming) response.headers.set('server-timing', serverTiming);
    return response;
  };
  return Object.assign(tracked(serve), { route });
}

/** A route without an API key (`public: true` in its declaration): the OpenAPI document, health. */
export function publicRoute<D extends RouteDecl>(
  route: D,
  handler: NoInfer<RouteHandler<D, { request: Request; query: QueryOf<D> }>>,
): DeclaredHandler {
  const serve = async (request: Request, context: NextRouteContext): Promise<Response> => {
    try {
      await startServer();
      const input = await parseInput(route, request, context, startBodyRead(route, request, noPhaseTimer));
      const reply = await handler({ request, query: input.query as QueryOf<D> });
      return toResponse(reply as { status: number; body: unknown });
    } catch (err) {
      return errorResponse(err, request);
    }
  };
  return Object.assign(tracked(serve), { route });
}
