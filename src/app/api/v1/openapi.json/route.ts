import { routes } from '@/lib/contract/routes';
import { buildOpenApi } from '@/lib/openapi';
import { otherMethods, publicRoute } from '../_lib/route';

let cached: ReturnType<typeof buildOpenApi> | undefined;

/** The public OpenAPI document: no API key, so tools and the dashboard can read it. */
export const GET = publicRoute(routes.openApiDocument, async () => {
  cached ??= buildOpenApi();
  return { status: 200, body: cached, headers: { 'cache-control': 'public, max-age=300' } };
});

const other = otherMethods('GET');
export const POST = other.POST;
export const PUT = other.PUT;
export const PATCH = other.PATCH;
export const DELETE = other.DELETE;
