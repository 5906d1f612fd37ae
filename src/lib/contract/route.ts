import { z } from 'zod';

/**
 * One declaration per API route: the handler wrapper (`apiRoute` in src/app/api/v1/_lib/route.ts)
 * parses with its schemas and the OpenAPI document (src/lib/openapi.ts) is built from the same object.
 * Framework-free: `npm run sdk:contract` generates the SDK package's types from these declarations.
 */

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type SuccessStatus = 200 | 201 | 204;
/** Error statuses a route can answer besides 400/401/500, which every authenticated route can. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 503;

/**
 * A success answer: its JSON schema; or null for no body (204); or, with `contentTypes`, a streamed
 * body of one of those types (an export), which the handler returns as a ReadableStream.
 */
export type ResponseDecl = { description: string; schema: z.ZodType | null; contentTypes?: string[] };
export type Responses = Partial<Record<SuccessStatus, ResponseDecl>>;

type Opt<S> = S | undefined;

export type RouteDecl<
  P extends Opt<z.ZodObject> = Opt<z.ZodObject>,
  Q extends Opt<z.ZodObject> = Opt<z.ZodObject>,
  B extends Opt<z.ZodType> = Opt<z.ZodType>,
  R extends Responses = Responses,
> = {
  method: Method;
  /** As OpenAPI spells it: `/api/v1/runs/{id}` (the route file is `src/app/api/v1/runs/[id]/route.ts`). */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  /** Path parameters; a value failing its schema answers 404 (no such row can exist). */
  params?: P;
  query?: Q;
  body?: B;
  /**
   * A check of the parsed JSON body cheaper than `body`'s (for a hot write path): true only for values
   * `body` accepts and returns unchanged, which then skip it; false and the schema decides.
   */
  fastBody?: (value: unknown) => boolean;
  /**
   * A body the handler reads itself (`request`), in one of these content types (e.g. OTLP protobuf);
   * `schema` documents its JSON form. Exclusive with `body`.
   */
  rawBody?: { description: string; contentTypes: string[]; schema?: z.ZodType };
  responses: R;
  errors?: ErrorStatus[];
  /** No API key needed. */
  public?: boolean;
};

/** Declares a route; returns it unchanged, typed precisely (the wrapper infers params/query/body from it). */
export function defineRoute<
  P extends Opt<z.ZodObject> = undefined,
  Q extends Opt<z.ZodObject> = undefined,
  B extends Opt<z.ZodType> = undefined,
  const R extends Responses = Responses,
>(route: RouteDecl<P, Q, B, R>): RouteDecl<P, Q, B, R> {
  return route;
}

/** The 413/415 every route with a JSON body can answer. */
export const writeErrors: ErrorStatus[] = [413, 415];

/**
 * A flat query string cannot nest: `meta.team=a` arrives as the key `meta.team`. The wrapper folds such
 * keys into objects (`{ meta: { team: 'a' } }`) before the query schema parses them.
 */
export function nestDottedParams(raw: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const dot = key.indexOf('.');
    if (dot <= 0) {
      out[key] = value;
      continue;
    }
    const head = key.slice(0, dot);
    if (out[head] === undefined) out[head] = {};
    const nested = out[head];
    if (typeof nested === 'object' && nested !== null)
      (nested as Record<string, unknown>)[key.slice(dot + 1)] = value;
  }
  return out;
}

/** Path parameters `{ id }`, a uuid. */
export const idParams = z.object({ id: z.uuid().describe('The resource id (uuid)') });

type Infer<S> = S extends z.ZodType ? z.output<S> : undefined;
export type ParamsOf<D> = D extends RouteDecl<infer P, infer _Q, infer _B, infer _R> ? Infer<P> : never;
export type QueryOf<D> = D extends RouteDecl<infer _P, infer Q, infer _B, infer _R> ? Infer<Q> : never;
export type BodyOf<D> = D extends RouteDecl<infer _P, infer _Q, infer B, infer _R> ? Infer<B> : never;
/**
 * What a client sends as the query: the parsed types (query strings are coerced, so their input type
 * is `unknown`), optional where the input is (defaults, optional fields).
 */
export type QueryInput<D> =
  D extends RouteDecl<infer _P, infer Q, infer _B, infer _R>
    ? Q extends z.ZodType
      ? ClientFields<z.input<Q>, z.output<Q>>
      : never
    : never;
type ClientFields<I, O> = {
  [K in keyof O as K extends keyof I ? (undefined extends I[K] ? never : K) : never]: O[K];
} & { [K in keyof O as K extends keyof I ? (undefined extends I[K] ? K : never) : K]?: O[K] };
/** What a client sends as the body (defaults optional). */
export type BodyInput<D> =
  D extends RouteDecl<infer _P, infer _Q, infer B, infer _R>
    ? B extends z.ZodType
      ? z.input<B>
      : never
    : never;

type ResponsesOf<D> = D extends RouteDecl<infer _P, infer _Q, infer _B, infer R> ? R : never;
type JsonBody<X> = X extends { schema: infer S } ? (S extends z.ZodType ? z.output<S> : null) : never;
/** With `contentTypes`: bytes or a stream in one of them (and the JSON of `schema`, if it has one). */
type SchemaBody<X> = X extends { contentTypes: string[] }
  ? ReadableStream<Uint8Array> | Uint8Array | Exclude<JsonBody<X>, null>
  : JsonBody<X>;

/** The JSON a route answers with `status` (default: any of its success statuses). */
export type ResponseBody<D, S extends keyof ResponsesOf<D> = keyof ResponsesOf<D>> = SchemaBody<
  ResponsesOf<D>[S]
>;

/** What a handler returns: one of the route's declared success statuses with a body of its schema. */
export type Reply<D> = {
  [S in keyof ResponsesOf<D>]: {
    status: S;
    body: SchemaBody<ResponsesOf<D>[S]>;
    headers?: Record<string, string>;
  };
}[keyof ResponsesOf<D>];
