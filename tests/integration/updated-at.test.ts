import { eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { quotas } from '@/db/schema';
import { getRetention, putRetention } from '@/server/retention';
import { putQuota, updateQuota } from '@/server/usage';
import { describeEachDb } from '../helpers/db';
import { makeProject } from '../helpers/fixtures';

const LONG_AGO = '2000-01-01T00:00:00.000Z';

describeEachDb('updated_at follows every Drizzle update without being set by hand', ({ db }) => {
  it('moves on update() and on an upsert (onConflictDoUpdate)', async () => {
    const project = await makeProject(db(), 'updated-at');
    const quota = await putQuota(db(), project.id, {
      subject: '*',
      metric: 'tokens',
      window: 'day',
      limit: 5,
    });
    await db().execute(sql`update quotas set updated_at = ${LONG_AGO}::timestamptz where id = ${quota.id}`);
    await updateQuota(db(), project.id, quota.id, { limit: 6 });
    const [row] = await db().select().from(quotas).where(eq(quotas.id, quota.id));
    expect(row!.updatedAt.getTime()).toBeGreaterThan(Date.parse(LONG_AGO));
    expect(row!.updatedAt.getTime()).toBeGreaterThanOrEqual(row!.createdAt.getTime());

    await putRetention(db(), project.id, { runDays: 30, usageDays: 90 });
    await db().execute(
      sql`update project_retention set updated_at = ${LONG_AGO}::timestamptz where project_id = ${project.id}`,
    );
    await putRetention(db(), project.id, { runDays: 31, usageDays: 90 });
    const retention = await getRetention(db(), project.id);
    expect(Date.parse(retention.updatedAt!)).toBeGreaterThan(Date.parse(LONG_AGO));
  });
});
