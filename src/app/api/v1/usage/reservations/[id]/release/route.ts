import { getDb } from '@/db/client';
import { routes } from '@/lib/contract/routes';
import { releaseReservation } from '@/server/usage';
import { apiRoute } from '../../../../_lib/route';

/** Cancels a held reservation (no body needed); after a commit or a release it is a 409. */
export const POST = apiRoute(routes.releaseReservation, async ({ projectId, params }) => {
  return { status: 200, body: await releaseReservation(getDb(), projectId, params.id) };
});
