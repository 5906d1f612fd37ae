import 'server-only';
import { redirect } from 'next/navigation';
import type { z } from 'zod';
import { currentUser } from '@/app/_lib/session';
import { errorResponse, queryObject, zodError } from '@/app/_lib/http';
import { getDb } from '@/db/client';
import type { ProjectRole } from '@/db/schema';
import { nestDottedParams } from '@/lib/contract/route';
import { type ProjectAccess, requireProjectRole } from '@/server/access';
import { AppError } from '@/server/errors';

type Params = Record<string, string>;

export type ProjectRouteContext<Q> = {
  project: ProjectAccess['project'];
  query: Q;
  params: Params;
  request: Request;
};

/**
 * The one wrapper of the dashboard's route handlers under `/p/<slug>/` (downloads, the replay's event
 * ranges): the session (none: to /login for a link the browser follows, 401 for what a page fetches),
 * at least `min` in the address's project, checked against the database (anything else answers like an
 * unknown project: 404), then the query parsed with its zod schema. Errors answer with the API's error
 * body and status.
 */
export function projectRoute<S extends z.ZodType>(
  decl: { min: ProjectRole; query: S; signedOut: 'login' | 'unauthorized' },
  handler: (ctx: ProjectRouteContext<z.infer<S>>) => Promise<Response>,
) {
  return async (request: Request, context: { params: Promise<Params> }): Promise<Response> => {
    const user = await currentUser();
    // Outside the try: Next.js's redirect is thrown and must reach it.
    if (!user && decl.signedOut === 'login') redirect('/login');
    try {
      if (!user) throw new AppError('unauthorized', 'Sign in');
      const params = await context.params;
      const { project } = await requireProjectRole(
        getDb(),
        user.actor,
        { slug: params.slug ?? '' },
        decl.min,
      );
      const parsed = decl.query.safeParse(nestDottedParams(queryObject(new URL(request.url))));
      if (!parsed.success) throw zodError('query parameters', parsed.error);
      return await handler({ project, query: parsed.data, params, request });
    } catch (err) {
      return errorResponse(err, request);
    }
  };
}
