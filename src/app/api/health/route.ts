import { startServer } from '@/server/startup';

export const dynamic = 'force-dynamic';

/** Readiness: answers once migrations (and the first-start seed) are done. */
export async function GET() {
  await startServer();
  return Response.json({ ok: true });
}
