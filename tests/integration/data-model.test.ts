import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterEach, expect, it, vi } from 'vitest';
import { errorResponse } from '@/app/_lib/http';
import { runs } from '@/db/schema';
import { describeDbError, queryRows } from '@/db/sql';
import { createReport, getReport } from '@/server/reports';
import { createRun, deleteRun, getRunById, listRunModels, updateRun } from '@/server/runs';
import { appendEvents, listEvents } from '@/server/events';
import { describeEachDb } from '../helpers/db';
import { makeProject, makeRun } from '../helpers/fixtures';

const runCount = async (db: Parameters<typeof getRunById>[0], projectId: string) =>
  (await db.select().from(runs).where(sql`${runs.projectId} = ${projectId}`)).length;

describeEachDb('data model and input rules', ({ db }) => {
  afterEach(() => vi.restoreAllMocks());

  it('has the run_id indexes and the parent foreign key, and no run_events type index', async () => {
    const indexes = await queryRows<{ indexname: string }>(
      db(),
      sql`select indexname from pg_indexes where schemaname = 'public'`,
    );
    const names = indexes.map((i) => i.indexname);
    expect(names).toEqual(
      expect.arrayContaining([
        'usage_events_run_idx',
        'usage_reservations_run_idx',
        'reports_run_idx',
        'runs_parent_idx',
      ]),
    );
    expect(names).not.toContain('run_events_run_type_idx');
    // (project_id, parent_run_id) → runs, no action on delete: deleteRun clears a child's parent first.
    const fks = await queryRows<{ conname: string; confdeltype: string; cols: string }>(
      db(),
      sql`select conname, confdeltype,
            (select string_agg(a.attname, ',' order by a.attname) from pg_attribute a
             where a.attrelid = conrelid and a.attnum = any(conkey)) as cols
          from pg_constraint where conname = 'runs_parent_fk'`,
    );
    expect(fks).toEqual([{ conname: 'runs_parent_fk', confdeltype: 'a', cols: 'parent_run_id,project_id' }]);
  });

  it('refuses a parentRunId that names no run of the project (400, nothing written)', async () => {
    const p = await makeProject(db());
    const other = await makeProject(db());
    const foreign = await makeRun(db(), other.id);
    const before = await runCount(db(), p.id);
    for (const parentRunId of [randomUUID(), foreign.id]) {
      await expect(createRun(db(), p.id, { name: 'child', parentRunId })).rejects.toMatchObject({
        code: 'bad_request',
      });
    }
    expect(await runCount(db(), p.id)).toBe(before);

    const parent = await makeRun(db(), p.id);
    const { run: child } = await createRun(db(), p.id, { name: 'child', parentRunId: parent.id });
    expect(child.parentRunId).toBe(parent.id);
    // Deleting the parent keeps the child and clears its parent.
    await deleteRun(db(), p.id, parent.id);
    expect((await getRunById(db(), p.id, child.id))?.parentRunId).toBeNull();
  });

  it('refuses to clear endedAt on a finished run, and allows it on a running one', async () => {
    const p = await makeProject(db());
    const done = await makeRun(db(), p.id, { status: 'succeeded' });
    expect(done.endedAt).not.toBeNull();
    await expect(updateRun(db(), p.id, done.id, { endedAt: null })).rejects.toMatchObject({
      code: 'bad_request',
    });
    expect((await getRunById(db(), p.id, done.id))?.endedAt).toEqual(done.endedAt);

    const running = await makeRun(db(), p.id, { endedAt: new Date().toISOString() });
    await expect(
      updateRun(db(), p.id, running.id, { status: 'failed', endedAt: null }),
    ).rejects.toMatchObject({ code: 'bad_request' });
    expect((await getRunById(db(), p.id, running.id))?.status).toBe('running');
    expect((await updateRun(db(), p.id, running.id, { endedAt: null })).endedAt).toBeNull();
  });

  it('keeps client-chosen ids per project: the same id in two projects is two runs, two reports', async () => {
    const a = await makeProject(db());
    const b = await makeProject(db());
    const id = randomUUID();
    const { run } = await createRun(db(), a.id, { id, name: 'mine' });
    // Nothing in b's answer depends on a's run: a new run, whatever its body.
    const theirs = await createRun(db(), b.id, { id, name: 'other', model: 'm-b' });
    expect(theirs.created).toBe(true);
    expect((await getRunById(db(), a.id, id))?.name).toBe('mine');
    expect((await getRunById(db(), b.id, id))?.name).toBe('other');
    // In its own project the same id is still an idempotent retry or a conflict.
    expect((await createRun(db(), a.id, { id, name: 'mine' })).created).toBe(false);
    await expect(createRun(db(), a.id, { id, name: 'changed' })).rejects.toMatchObject({ code: 'conflict' });
    expect((await createRun(db(), b.id, { id, name: 'other' })).created).toBe(false);
    // Events, updates and deletes of one reach only that project's run.
    await appendEvents(db(), a.id, id, [{ seq: 0, type: 'user-message', payload: { text: 'only a' } }]);
    await updateRun(db(), b.id, id, { status: 'succeeded' });
    expect(await getRunById(db(), a.id, id)).toMatchObject({ eventCount: 1, status: 'running' });
    expect(await getRunById(db(), b.id, id)).toMatchObject({ eventCount: 0, status: 'succeeded' });
    expect((await listEvents(db(), b.id, id, { limit: 10 })).data).toEqual([]);
    expect((await listEvents(db(), a.id, id, { limit: 10 })).data).toHaveLength(1);

    const reportId = randomUUID();
    await createReport(db(), a.id, run.id, { id: reportId, title: 'R' });
    await createReport(db(), b.id, id, { id: reportId, title: 'S' });
    expect((await getReport(db(), a.id, reportId))?.title).toBe('R');
    expect((await getReport(db(), b.id, reportId))?.title).toBe('S');
    await expect(createReport(db(), a.id, run.id, { id: reportId, title: 'T' })).rejects.toMatchObject({
      code: 'conflict',
    });
    await deleteRun(db(), a.id, id);
    expect(await getRunById(db(), a.id, id)).toBeNull();
    expect(await getReport(db(), a.id, reportId)).toBeNull();
    expect(await getRunById(db(), b.id, id)).toMatchObject({ name: 'other' });
    expect((await getReport(db(), b.id, reportId))?.title).toBe('S');
  });

  it('lists the distinct models of the project in order, without null and without other projects', async () => {
    const p = await makeProject(db());
    const other = await makeProject(db());
    for (const model of ['gpt-b', 'gpt-a', null, 'gpt-b', 'claude']) await makeRun(db(), p.id, { model });
    await makeRun(db(), other.id, { model: 'zzz-other' });
    expect(await listRunModels(db(), p.id)).toEqual(['claude', 'gpt-a', 'gpt-b']);
    expect(await listRunModels(db(), randomUUID())).toEqual([]);
  });

  it('logs a refused value by code, route and sizes, never the request body', async () => {
    const p = await makeProject(db());
    const big = 'x'.repeat(200_000);
    // A NUL character cannot be stored in jsonb: the database refuses the value (class 22).
    const err = await createRun(db(), p.id, { name: 'nul', input: { big, bad: '\u0000' } }).catch((e) => e);
    expect(describeDbError(err)).toMatchObject({ code: expect.stringMatching(/^22/) });
    const logged: unknown[][] = [];
    vi.spyOn(console, 'warn').mockImplementation((...args) => void logged.push(args));
    vi.spyOn(console, 'error').mockImplementation((...args) => void logged.push(args));
    const request = new Request('http://localhost/api/v1/runs', {
      method: 'POST',
      headers: { 'content-length': String(big.length + 40) },
    });
    const res = errorResponse(err, request);
    expect(res.status).toBe(400);
    const text = JSON.stringify(logged);
    expect(text.length).toBeLessThan(2_000);
    expect(text).not.toContain('xxxxxxxxxx');
    expect(text).toContain('POST /api/v1/runs');
    expect(logged[0]?.[1]).toMatchObject({ code: expect.stringMatching(/^22/), bodyBytes: big.length + 40 });
    expect(await runCount(db(), p.id)).toBe(0);
  });
});
