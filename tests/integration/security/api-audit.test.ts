import { desc, eq } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { GET as listAudit } from '@/app/api/v1/audit/route';
import { PUT as putRetention } from '@/app/api/v1/project/retention/route';
import { DELETE as deleteQuota } from '@/app/api/v1/quotas/[id]/route';
import { PUT as putQuota } from '@/app/api/v1/quotas/route';
import { PATCH as updateReport } from '@/app/api/v1/reports/[id]/route';
import { POST as addSection } from '@/app/api/v1/reports/[id]/sections/route';
import { POST as createReport } from '@/app/api/v1/runs/[id]/reports/route';
import { DELETE as deleteRun, PATCH as patchRun } from '@/app/api/v1/runs/[id]/route';
import { auditLog } from '@/db/schema';
import { bearer, callHandler, useApiHandlers } from '../../helpers/api-handler';
import { describeEachDb } from '../../helpers/db';
import { makeProject, makeRun } from '../../helpers/fixtures';

describeEachDb('every write through the API is audited with the key as actor', ({ db, driver }) => {
  let projectId: string;
  let auth: string;
  const entries = () =>
    db().select().from(auditLog).where(eq(auditLog.projectId, projectId)).orderBy(desc(auditLog.id));

  beforeAll(async () => {
    useApiHandlers(db, driver);
    projectId = (await makeProject(db(), 'audit')).id;
    auth = await bearer(db(), projectId, 'ci-pipeline');
  });

  it('quota PUT/DELETE, run PATCH/DELETE, retention and reports each leave one entry', async () => {
    const call = async (
      handler: Parameters<typeof callHandler>[0],
      method: string,
      path: string,
      body?: unknown,
      params: Record<string, string> = {},
    ) => {
      const res = await callHandler(handler, { path, auth, method, body, params });
      expect(res.status, `${method} ${path}`).toBeLessThan(300);
      return res.status === 204 ? null : res.json();
    };
    const run = await makeRun(db(), projectId, { name: 'audited' });
    const { quota } = await call(putQuota, 'PUT', '/api/v1/quotas', {
      subject: '*',
      metric: 'tokens',
      window: 'day',
      limit: 10,
    });
    await call(deleteQuota, 'DELETE', `/api/v1/quotas/${quota.id}`, undefined, { id: quota.id });
    await call(
      patchRun,
      'PATCH',
      `/api/v1/runs/${run.id}`,
      { status: 'succeeded', costUsd: 2 },
      { id: run.id },
    );
    await call(putRetention, 'PUT', '/api/v1/project/retention', { runDays: 30, usageDays: 90 });
    const reportBody = { title: 'Weekly' };
    const { report } = await call(createReport, 'POST', `/api/v1/runs/${run.id}/reports`, reportBody, {
      id: run.id,
    });
    await call(
      addSection,
      'POST',
      `/api/v1/reports/${report.id}/sections`,
      { heading: 'h', body: 'b' },
      {
        id: report.id,
      },
    );
    await call(updateReport, 'PATCH', `/api/v1/reports/${report.id}`, { status: 'final' }, { id: report.id });
    await call(deleteRun, 'DELETE', `/api/v1/runs/${run.id}`, undefined, { id: run.id });

    const log = (await entries()).reverse();
    expect(log.map((e) => e.action)).toEqual([
      'quota.created',
      'quota.deleted',
      'run.updated',
      'retention.changed',
      'report.created',
      'report.section_added',
      'report.updated',
      'run.deleted',
    ]);
    for (const e of log) {
      expect(e).toMatchObject({ actorName: 'ci-pipeline', actorEmail: null });
      expect(e.actorId).toMatch(/^key:[0-9a-f-]{36}$/);
    }
    expect(log[2]).toMatchObject({
      target: run.id,
      before: { status: 'running', costUsd: 0 },
      after: { status: 'succeeded', costUsd: 2 },
    });

    // The API's own audit listing names the key.
    const listed = await call(listAudit, 'GET', '/api/v1/audit?limit=1');
    expect(listed.data[0].actor).toMatchObject({ name: 'ci-pipeline', email: null });
  });

  it('a refused write leaves no entry', async () => {
    const before = (await entries()).length;
    const missing = crypto.randomUUID();
    const res = await callHandler(deleteRun, {
      path: `/api/v1/runs/${missing}`,
      auth,
      method: 'DELETE',
      params: { id: missing },
    });
    expect(res.status).toBe(404);
    expect((await entries()).length).toBe(before);
  });
});
