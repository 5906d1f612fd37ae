import { getDb } from '@/db/client';
import { commitReservationBody } from '@/lib/contract';
import { commitReservation } from '@/server/usage';
import { idParams } from '../../../../_lib/params';
import { apiRoute, json } from '../../../../_lib/route';

/** Settles a reservation: `overrunBy` says how far the actual amount went past the hold; twice is a 409. */
export const POST = apiRoute(
  { params: idParams, body: commitReservationBody },
  async ({ projectId, params, body }) => {
    return json(await commitReservation(getDb(), projectId, params.id, body));
  },
);
