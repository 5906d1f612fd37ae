import 'server-only';
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { runs } from '@/db/schema';
import { type Actor, type ProjectAccess, projectAccess } from './roles';

/**
 * The actor's access to the project a run belongs to, or null (no such run, or not their project:
 * both answer "not found"). Lets an old `/runs/<id>` link land in its own project, whichever project the
 * sidebar showed last.
 */
export async function runAccess(db: DbOrTx, actor: Actor, runId: string): Promise<ProjectAccess | null> {
  const [row] = await db.select({ projectId: runs.projectId }).from(runs).where(eq(runs.id, runId));
  return row ? projectAccess(db, actor, { id: row.projectId }) : null;
}
