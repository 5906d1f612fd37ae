import { buildOpenApi } from '@/lib/openapi';

let cached: string | undefined;

/** The public OpenAPI document: no API key, so tools and the dashboard can read it. */
export function GET(): Response {
  cached ??= JSON.stringify(buildOpenApi());
  return new Response(cached, {
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=300' },
  });
}
