import 'server-only';
import type { z } from 'zod';
import { getDb } from '@/db/client';
import { describeDbError, pgErrorCode } from '@/db/sql';
import { verifyApiKey } from '@/server/auth';
import { AppError, isAppError } from '@/server/errors';
import { trackRequest } from '@/server/lifecycle';
import { startServer } from '@/server/startup';
import { toAppError } from '@/server/unavailable';
import { readJsonBody } from './body';
import { assertStorableQuery } from './json-safety';

type Schema = z.ZodType;
type Infer<S> = S extends z.ZodType ? z.output<S> : undefined;

export type ApiContext<B, Q, P> = {
  projectId: string;
  body: B;
  query: Q;
  params: P;
  request: Request;
};

type RouteOptions<B, Q, P> = { body?: B; query?: Q; params?: P };
type NextRouteContext = { params: Promise<Record<string, string | string[]>> };

/** A JSON answer with a status (200 by default). */
export function json(data: unknown, status = 200, headers?: Record<string, string>): Response {
  return Response.json(data, { status, headers });
}

export const noContent = () => new Response(null, { status: 204 });

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
type Method = (typeof METHODS)[number];
type Handler = (request: Request) => Response;

/**
 * Handlers for the methods a route does not serve: 405 with `Allow` and the contract's error body
 * (Next.js would answer an empty 405). Spread the ones the route lacks: `export const PUT = other.PUT`.
 */
export function otherMethods(...allowed: Method[]): Record<Method, Handler> {
  const allow = allowed.join(', ');
  const handler: Handler = (request) =>
    json(
      {
        error: { code: 'method_not_allowed', message: `${request.method} is not allowed here; use ${allow}` },
      },
      405,
      { allow },
    );
  return Object.fromEntries(METHODS.map((m) => [m, handler])) as Record<Method, Handler>;
}

/** Where a request went and how large it was: all a log says about it (never its body). */
function requestSummary(request?: Request): Record<string, unknown> {
  if (!request) return {};
  return {
    route: `${request.method} ${new URL(request.url).pathname}`,
    bodyBytes: Number(request.headers.get('content-length') ?? Number.NaN) || undefined,
  };
}

/** The stack frames of an error without its message (which may quote the query's parameters). */
const frames = (err: unknown) =>
  String((err as { stack?: unknown })?.stack ?? '')
    .split('\n')
    .filter((l) => l.trimStart().startsWith('at '))
    .slice(0, 12)
    .join('\n');

export function errorResponse(thrown: unknown, request?: Request): Response {
  const err = toAppError(thrown);
  if (isAppError(err)) return json(err.toBody(), err.status, err.headers);
  const code = pgErrorCode(err);
  const db = describeDbError(err);
  // Safety net: a data exception (class 22) or a too-deep value (54001) is the input's fault. The
  // domain and the body checks catch the known cases first; the driver's message is never passed on.
  // The log names the error, the route and the sizes, never the refused value or the body.
  if (code && (code.startsWith('22') || code === '54001')) {
    console.warn('[runledger] database refused a value', { ...requestSummary(request), ...db });
    return json(
      { error: { code: 'bad_request', message: 'The request contains a value the database cannot store' } },
      400,
    );
  }
  // A bug: log the detail for the operator (for a query error: its code, message head and frames, not
  // its parameters), answer without SQL, stack or secrets.
  if (db)
    console.error('[runledger] unhandled API error', { ...requestSummary(request), ...db }, frames(err));
  else console.error('[runledger] unhandled API error', requestSummary(request), err);
  return json({ error: { code: 'internal', message: 'Internal server error' } }, 500);
}

function zodError(where: string, error: z.ZodError): AppError {
  const issues = error.issues.map((i) => ({ path: i.path.map(String), code: i.code, message: i.message }));
  const first = issues[0];
  const at = first?.path.length ? ` at ${first.path.join('.')}` : '';
  return new AppError('bad_request', `Invalid ${where}${at}: ${first?.message ?? 'invalid'}`, issues);
}

function queryObject(url: URL): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of url.searchParams) out[k] = v;
  return out;
}

async function authenticate(request: Request): Promise<string> {
  const header = request.headers.get('authorization') ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match)
    throw new AppError('unauthorized', 'Missing or malformed Authorization: Bearer <api key> header');
  const found = await verifyApiKey(getDb(), match[1]!);
  if (!found) throw new AppError('unauthorized', 'Unknown or revoked API key');
  return found.projectId;
}

/**
 * The one wrapper every /api/v1 handler goes through: API-key auth (project scope), path params,
 * query and JSON body parsed with zod, and errors mapped to the contract's body. A path id that fails
 * its schema is a 404 (no such row can exist), not a 400.
 */
export function apiRoute<
  B extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  P extends Schema | undefined = undefined,
>(
  options: RouteOptions<B, Q, P>,
  handler: (ctx: ApiContext<Infer<B>, Infer<Q>, Infer<P>>) => Promise<Response>,
) {
  return (request: Request, context: NextRouteContext): Promise<Response> =>
    trackRequest(() => handle(request, context), errorResponse);

  async function handle(request: Request, context: NextRouteContext): Promise<Response> {
    try {
      await startServer();
      const projectId = await authenticate(request);
      let params: unknown;
      if (options.params) {
        const parsed = options.params.safeParse(await context.params);
        if (!parsed.success) throw new AppError('not_found', 'Not found');
        params = parsed.data;
      }
      let query: unknown;
      if (options.query) {
        const raw = queryObject(new URL(request.url));
        assertStorableQuery(raw);
        const parsed = options.query.safeParse(raw);
        if (!parsed.success) throw zodError('query parameters', parsed.error);
        query = parsed.data;
      }
      let body: unknown;
      if (options.body) {
        const parsed = options.body.safeParse(await readJsonBody(request));
        if (!parsed.success) throw zodError('body', parsed.error);
        body = parsed.data;
      }
      return await handler({
        projectId,
        request,
        body: body as Infer<B>,
        query: query as Infer<Q>,
        params: params as Infer<P>,
      });
    } catch (err) {
      return errorResponse(err, request);
    }
  }
}
