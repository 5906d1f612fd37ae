import { randomUUID } from 'node:crypto';
import type { DbOrTx } from '@/db/client';
import type { CreateRunInput } from '@/lib/contract';
import { createProject } from '@/server/projects';
import { createRun } from '@/server/runs';

/** A new project with a unique slug, so tests sharing a database never see each other's rows. */
export async function makeProject(db: DbOrTx, prefix = 'test') {
  return createProject(db, { slug: `${prefix}-${randomUUID().slice(0, 8)}` });
}

export async function makeRun(db: DbOrTx, projectId: string, input: Partial<CreateRunInput> = {}) {
  const { run } = await createRun(db, projectId, { name: 'test run', ...input });
  return run;
}
