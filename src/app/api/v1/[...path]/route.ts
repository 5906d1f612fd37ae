import { json } from '../_lib/route';

/** Any /api/v1 path no route serves: the contract's 404 body, for every method, before auth. */
function notFound(request: Request): Response {
  const { pathname } = new URL(request.url);
  return json(
    { error: { code: 'not_found', message: `No API endpoint ${request.method} ${pathname}` } },
    404,
  );
}

export const GET = notFound;
export const HEAD = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
export const OPTIONS = notFound;
