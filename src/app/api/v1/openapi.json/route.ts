import { buildOpenApi } from '@/lib/openapi';
import { otherMethods } from '../_lib/route';

let cached: string | undefined;

/** The public OpenAPI document: no API key, so tools and the dashboard can read it. */
export function GET(): Response {
  cached ??= JSON.stringify(buildOpenApi());
  return new Response(cached, {
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=300' },
  });
}

const other = otherMethods('GET');
export const POST = other.POST;
export const PUT = other.PUT;
export const PATCH = other.PATCH;
export const DELETE = other.DELETE;
