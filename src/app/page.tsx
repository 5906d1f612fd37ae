import { getDb } from '@/db/client';
import { DEMO_SLUG } from '@/server/demo/seed';
import { getProjectBySlug } from '@/server/projects';
import { listRuns } from '@/server/runs';
import { startServer } from '@/server/startup';

export const dynamic = 'force-dynamic';

export default async function Home() {
  await startServer();
  const db = getDb();
  const project = await getProjectBySlug(db, DEMO_SLUG);
  const page = project ? await listRuns(db, project.id, {}, { limit: 50 }) : { data: [] };
  return (
    <main className="p-8">
      <h1 className="text-2xl font-semibold">runledger</h1>
      <ul className="mt-4 space-y-1">
        {page.data.map((run) => (
          <li key={run.id}>
            {run.name} — {run.status}
          </li>
        ))}
      </ul>
    </main>
  );
}
