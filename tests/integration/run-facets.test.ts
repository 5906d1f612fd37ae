import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { listRunModels, listThreadRuns, updateRun } from '@/server/runs';
import { describeEachDb } from '../helpers/db';
import { makeProject, makeRun } from '../helpers/fixtures';

describeEachDb('run facets and thread pages', ({ db }) => {
  it('keeps the model facet from run inserts and model changes, per project', async () => {
    const p = await makeProject(db());
    const other = await makeProject(db());
    await makeRun(db(), p.id, { model: 'b-model' });
    await makeRun(db(), p.id, { model: 'a-model' });
    await makeRun(db(), p.id, { model: 'a-model' });
    const unnamed = await makeRun(db(), p.id);
    await makeRun(db(), other.id, { model: 'secret-model' });
    expect(await listRunModels(db(), p.id)).toEqual(['a-model', 'b-model']);
    await updateRun(db(), p.id, unnamed.id, { model: 'c-model' });
    expect(await listRunModels(db(), p.id)).toEqual(['a-model', 'b-model', 'c-model']);
    expect(await listRunModels(db(), other.id)).toEqual(['secret-model']);
  });

  it('pages a long thread oldest first with a cursor, and refuses a forged cursor', async () => {
    const p = await makeProject(db());
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const run = await makeRun(db(), p.id, { threadId: 'long', name: `turn ${i}` });
      await db().execute(
        sql`update runs set created_at = ${new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString()}::timestamptz where id = ${run.id}::uuid`,
      );
      ids.push(run.id);
    }
    await makeRun(db(), p.id, { threadId: 'other' });
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await listThreadRuns(db(), p.id, 'long', { limit: 3, cursor });
      expect(page.total).toBe(7);
      seen.push(...page.data.map((r) => r.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(ids);
    await expect(listThreadRuns(db(), p.id, 'long', { cursor: 'nope' })).rejects.toMatchObject({
      code: 'bad_request',
    });
  });
});
