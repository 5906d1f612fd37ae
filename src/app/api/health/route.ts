import { routes } from '@/lib/contract/routes';
import { publicRoute } from '../v1/_lib/route';

export const dynamic = 'force-dynamic';

/** Readiness: the wrapper awaits the server's start (migrations and the first-start seed) first. */
export const GET = publicRoute(routes.health, async () => ({ status: 200, body: { ok: true } }));
