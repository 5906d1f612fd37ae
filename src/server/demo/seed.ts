import 'server-only';
import type { Db } from '@/db/client';
import { projects } from '@/db/schema';
import { ensureProject } from '../projects';
import { createRun } from '../runs';

export const DEMO_SLUG = 'demo';

/** Seeds the demo project when the database has no project at all. Placeholder: grows into the full demo. */
export async function seedDemoIfEmpty(db: Db): Promise<{ runs: number } | null> {
  const existing = await db.select({ id: projects.id }).from(projects).limit(1);
  if (existing.length > 0) return null;
  return seedDemo(db);
}

export async function seedDemo(db: Db): Promise<{ runs: number }> {
  const project = await ensureProject(db, DEMO_SLUG, 'Demo project');
  await createRun(db, project.id, { name: 'Hello from the demo project', status: 'succeeded' });
  return { runs: 1 };
}
