import { getDb } from '@/db/client';
import { releaseReservation } from '@/server/usage';
import { idParams } from '../../../../_lib/params';
import { apiRoute, json } from '../../../../_lib/route';

/** Cancels a held reservation (no body needed); after a commit or a release it is a 409. */
export const POST = apiRoute({ params: idParams }, async ({ projectId, params }) => {
  return json(await releaseReservation(getDb(), projectId, params.id));
});
