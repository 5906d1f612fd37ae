import { getConnection } from '@/db/client';
import { readRouter } from '@/db/read';
import { routes } from '@/lib/contract/routes';
import { serviceUnavailable } from '@/server/errors';
import { pingDatabase } from '@/server/health';
import { isDraining } from '@/server/lifecycle';
import { publicRoute } from '../v1/_lib/route';

export const dynamic = 'force-dynamic';

/**
 * Readiness for load balancers and orchestrators: the wrapper awaits the server's start (503 while it
 * cannot reach its database); then the database must answer a `select 1` (503 when it does not), and a
 * server that is shutting down answers 503 too. With a read replica: its lag and where pages read.
 */
export const GET = publicRoute(routes.health, async () => {
  if (isDraining()) throw serviceUnavailable('The server is shutting down', 1);
  const conn = getConnection();
  await pingDatabase(conn.db);
  const replica = await readRouter().replicaState();
  return {
    status: 200,
    body: {
      ok: true,
      database: conn.driver,
      ...(replica && {
        replica: {
          lagSeconds:
            replica.lagSeconds === null || !Number.isFinite(replica.lagSeconds) ? null : replica.lagSeconds,
          reads: replica.usable ? ('replica' as const) : ('primary' as const),
        },
      }),
    },
  };
});
