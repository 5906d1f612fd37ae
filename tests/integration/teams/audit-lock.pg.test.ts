import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbConnection } from '@/db/client';
import { auditLog } from '@/db/schema';
import { changeQuotaAudited } from '@/server/usage/quotas-audited';
import { putQuota } from '@/server/usage';
import { freshPostgres } from '../../helpers/db';
import { makeProject } from '../../helpers/fixtures';

// Concurrent changes need the Postgres server (PGlite runs one statement at a time).
describe('quota change audit under concurrency [postgres]', () => {
  let conn: DbConnection;
  beforeAll(async () => {
    conn = await freshPostgres(16);
  });
  afterAll(async () => {
    await conn?.close();
  });

  it('each audit row\'s "before" is the value its change replaced (the row is read FOR UPDATE)', async () => {
    const db = conn.db;
    const p = await makeProject(db);
    const q = await putQuota(db, p.id, { subject: '*', metric: 'm', window: 'day', limit: 0 });
    const scope = { actor: 'cli' as const, projectId: p.id };
    await Promise.all(
      Array.from({ length: 16 }, (_, i) => changeQuotaAudited(db, scope, q.id, { limit: i + 1 })),
    );
    const rows = await db
      .select({ before: auditLog.before, after: auditLog.after })
      .from(auditLog)
      .where(eq(auditLog.projectId, p.id))
      .orderBy(asc(auditLog.id));
    const limits = rows.map((r) => [
      (r.before as { limit: number }).limit,
      (r.after as { limit: number }).limit,
    ]);
    expect(limits).toHaveLength(16);
    // One chain: 0 → a → b → …, each change starting where the previous one (in commit order) ended.
    let current = 0;
    for (const [before, after] of limits) {
      expect(before).toBe(current);
      current = after!;
    }
  }, 60_000);
});
