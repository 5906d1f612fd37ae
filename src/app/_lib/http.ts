import 'server-only';
import type { z } from 'zod';
import { describeDbError, pgErrorCode } from '@/db/sql';
import { AppError, toAppError } from '@/server/errors';

/**
 * The HTTP answers every route handler shares, the API's and the dashboard's: JSON with the security
 * headers, the contract's error body for any error, zod issues as a bad request, a URL's query.
 */

/**
 * On every /api answer (JSON, downloads, errors, OTLP): no type sniffing, and nothing in it may load,
 * run or be framed if a browser ever renders it.
 */
export const API_SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
} as const;

/** Sets API_SECURITY_HEADERS on an answer (whatever built it) and returns it. */
export function secured(response: Response): Response {
  try {
    for (const [name, value] of Object.entries(API_SECURITY_HEADERS)) response.headers.set(name, value);
    return response;
  } catch {
    // Immutable headers (a fetched or redirect Response): the same answer with the headers added.
    const headers = new Headers(response.headers);
    for (const [name, value] of Object.entries(API_SECURITY_HEADERS)) headers.set(name, value);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }
}

/**
 * A JSON answer with a status (200 by default). Next.js gzips every body whose length it does not
 * know (it drops a route's Content-Length), which for an append's 40-byte answer cost more than its
 * JSON work and a zlib stream each: a body under 1 KiB says `no-transform`, which Next.js's compression
 * honours (as gzip does nothing for it); larger ones are compressed as before.
 */
export function json(data: unknown, status = 200, headers?: Record<string, string>): Response {
  const text = JSON.stringify(data);
  const small = Buffer.byteLength(text) < 1024;
  return new Response(text, {
    status,
    headers: {
      'content-type': 'application/json',
      ...(small ? { 'cache-control': 'no-transform' } : {}),
      ...headers,
      ...API_SECURITY_HEADERS,
    },
  });
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

/** The contract's error body and status for `err`; an unexpected one is logged and answered as internal. */
export function errorResponse(err: unknown, request?: Request): Response {
  const known = toAppError(err);
  const db = describeDbError(err);
  if (known) {
    // A value the database refused: the log names the error, the route and the sizes, never the
    // refused value or the body.
    if (known.code === 'bad_request' && pgErrorCode(err))
      console.warn('[runledger] database refused a value', { ...requestSummary(request), ...db });
    return json(known.toBody(), known.status, known.headers);
  }
  // A bug: log the detail for the operator (for a query error: its code, message head and frames, not
  // its parameters), answer without SQL, stack or secrets.
  if (db)
    console.error('[runledger] unhandled API error', { ...requestSummary(request), ...db }, frames(err));
  else console.error('[runledger] unhandled API error', requestSummary(request), err);
  return json({ error: { code: 'internal', message: 'Internal server error' } }, 500);
}

/** zod's issues as the contract's bad request: the first one in the message, all of them in the details. */
export function zodError(where: string, error: z.ZodError): AppError {
  const issues = error.issues.map((i) => ({ path: i.path.map(String), code: i.code, message: i.message }));
  const first = issues[0];
  const at = first?.path.length ? ` at ${first.path.join('.')}` : '';
  return new AppError('bad_request', `Invalid ${where}${at}: ${first?.message ?? 'invalid'}`, issues);
}

/** A URL's query parameters as an object (the last value of a repeated name). */
export function queryObject(url: URL): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of url.searchParams) out[k] = v;
  return out;
}
