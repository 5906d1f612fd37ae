import 'server-only';
import { redirect } from 'next/navigation';
import type { NextRequest } from 'next/server';
import { landingSlug } from '@/app/(dashboard)/_lib/project';
import { legacyRunId, projectPath } from '@/lib/project-path';
import { currentUser } from './session';

/**
 * The old unscoped dashboard paths (`/runs/<id>`, `/runs`, `/usage`, `/datasets`, `/threads/<id>`,
 * `/settings/…`): the same page under the project it belongs in, with the query kept (`?seq=`…).
 * A run id goes to the run's own project when the user may see it; anything else (and a run they
 * may not see) to the project last viewed, else their first; `/` when they have none.
 */
export async function legacyRedirect(request: NextRequest): Promise<never> {
  const { pathname, search } = request.nextUrl;
  const user = await currentUser();
  if (!user) redirect(`/login?next=${encodeURIComponent(pathname + search)}`);
  const slug = await landingSlug(user, legacyRunId(pathname));
  redirect(slug ? `${projectPath(slug)}${pathname}${search}` : '/');
}
