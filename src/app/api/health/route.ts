import { getConnection } from '@/db/client';
import { pingDatabase } from '@/server/health';
import { isDraining } from '@/server/lifecycle';
import { startServer } from '@/server/startup';
import { serviceUnavailable } from '@/server/unavailable';
import { errorResponse } from '../v1/_lib/route';

export const dynamic = 'force-dynamic';

/**
 * Readiness for load balancers and orchestrators: 200 once the server has started and the database
 * answers a `select 1`; 503 with the contract's error body and Retry-After while it cannot reach the
 * database, is still starting, or is shutting down.
 */
export async function GET() {
  try {
    if (isDraining()) throw serviceUnavailable('The server is shutting down', 1);
    await startServer();
    const conn = getConnection();
    await pingDatabase(conn.db);
    return Response.json({ ok: true, database: conn.driver });
  } catch (err) {
    return errorResponse(err);
  }
}
