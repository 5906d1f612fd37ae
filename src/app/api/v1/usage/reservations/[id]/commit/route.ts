import { getDb } from '@/db/client';
import { routes } from '@/lib/contract/routes';
import { commitReservation } from '@/server/usage';
import { apiRoute } from '../../../../_lib/route';

/** Settles a reservation: `overrunBy` says how far the actual amount went past the hold; twice is a 409. */
export const POST = apiRoute(routes.commitReservation, async ({ projectId, params, body }) => {
  return { status: 200, body: await commitReservation(getDb(), projectId, params.id, body) };
});
