import { getDb } from '@/db/client';
import { routes } from '@/lib/contract/routes';
import { createReservation } from '@/server/usage';
import { apiRoute } from '../../_lib/route';

/**
 * Holds capacity against every hard quota. A retry with the same idempotencyKey answers the first
 * reservation with the same 201 (the windows as they are now), so a client cannot tell a retry apart.
 */
export const POST = apiRoute(routes.createReservation, async ({ projectId, body }) => {
  const { reservation, windows } = await createReservation(getDb(), projectId, body);
  return { status: 201, body: { reservation, windows } };
});
