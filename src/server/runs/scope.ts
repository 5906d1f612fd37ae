import 'server-only';
import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { runs } from '@/db/schema';
import { notFound } from '../errors';

/**
 * Throws not_found unless the run exists in the project (a run of another project is not found either).
 * `forUpdate` locks the run row until the transaction ends, so writers of one run's rows queue there.
 */
export async function assertRunInProject(
  db: DbOrTx,
  projectId: string,
  runId: string,
  { forUpdate = false }: { forUpdate?: boolean } = {},
): Promise<void> {
  const query = db
    .select({ id: runs.id })
    .from(runs)
    .where(and(eq(runs.id, runId), eq(runs.projectId, projectId)));
  const [run] = forUpdate ? await query.for('update') : await query;
  if (!run) throw notFound('Run');
}
