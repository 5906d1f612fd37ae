import 'server-only';
import type { DbOrTx } from '@/db/client';
import { listMembers } from '@/server/members';
import type { Reviewer } from './assignee-picker';

/** The project's members who can review (editors and owners), as the assignee pickers list them. */
export async function projectReviewers(db: DbOrTx, projectId: string): Promise<Reviewer[]> {
  return (await listMembers(db, projectId))
    .filter((m) => m.role !== 'viewer')
    .map((m) => ({ userId: m.userId, label: m.name ? `${m.name} (${m.email})` : m.email }));
}
