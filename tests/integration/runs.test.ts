import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows } from '@/db/sql';
import { AppError } from '@/server/errors';
import { createRun, deleteRun, getRunById, listRuns, updateRun } from '@/server/runs';
import { describeEachDb } from '../helpers/db';
import { makeProject, makeRun } from '../helpers/fixtures';

describeEachDb('runs', ({ db }) => {
  it('creates a run with defaults and reads it back', async () => {
    const p = await makeProject(db());
    const { run, created } = await createRun(db(), p.id, { name: 'chat 1', userId: 'u1', tags: ['a'] });
    expect(created).toBe(true);
    expect(run).toMatchObject({
      name: 'chat 1',
      status: 'running',
      kind: 'chat',
      eventCount: 0,
      lastSeq: null,
    });
    expect(run.startedAt).toBeInstanceOf(Date);
    expect(await getRunById(db(), p.id, run.id)).toMatchObject({ id: run.id, tags: ['a'] });
  });

  it('treats the same id with the same body as a retry and a different body as a conflict', async () => {
    const p = await makeProject(db());
    const id = randomUUID();
    const body = { id, name: 'r', metadata: { a: 1, b: [1, 2] }, startedAt: '2026-11-01T00:00:00.000Z' };
    expect((await createRun(db(), p.id, body)).created).toBe(true);
    const again = await createRun(db(), p.id, { ...body, metadata: { b: [1, 2], a: 1 } });
    expect(again.created).toBe(false);
    await expect(createRun(db(), p.id, { ...body, name: 'other' })).rejects.toMatchObject({
      code: 'conflict',
    });
    // Another project using the id makes a run of its own.
    const other = await makeProject(db());
    expect((await createRun(db(), other.id, { ...body, name: 'other' })).created).toBe(true);
  });

  it('finishes a run, sets endedAt, and refuses to reopen it', async () => {
    const p = await makeProject(db());
    const run = await makeRun(db(), p.id);
    const done = await updateRun(db(), p.id, run.id, {
      status: 'succeeded',
      inputTokens: 10,
      outputTokens: 5,
    });
    expect(done.endedAt).toBeInstanceOf(Date);
    expect(done.totalTokens).toBe(15);
    await expect(updateRun(db(), p.id, run.id, { status: 'running' })).rejects.toMatchObject({
      code: 'conflict',
    });
    await expect(updateRun(db(), p.id, randomUUID(), { status: 'failed' })).rejects.toBeInstanceOf(AppError);
  });

  it('scopes every read and write to the project', async () => {
    const a = await makeProject(db());
    const b = await makeProject(db());
    const run = await makeRun(db(), a.id);
    expect(await getRunById(db(), b.id, run.id)).toBeNull();
    await expect(updateRun(db(), b.id, run.id, { name: 'x' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(deleteRun(db(), b.id, run.id)).rejects.toMatchObject({ code: 'not_found' });
    expect((await listRuns(db(), b.id, {}, { limit: 10 })).data).toHaveLength(0);
    await deleteRun(db(), a.id, run.id);
    expect(await getRunById(db(), a.id, run.id)).toBeNull();
  });

  it('pages newest first with keyset cursors in both directions, with filters', async () => {
    const p = await makeProject(db());
    for (let i = 0; i < 25; i++) {
      await makeRun(db(), p.id, {
        name: `run ${i} ${i % 2 ? 'odd' : 'even_%'}`,
        status: i % 5 === 0 ? 'failed' : 'succeeded',
        tags: i % 3 === 0 ? ['three'] : [],
        userId: `u${i % 4}`,
      });
    }
    // created_at defaults to now(): give the rows distinct times so the order is deterministic.
    await queryRows(
      db(),
      sql`update runs set created_at = timestamptz '2026-01-01T00:00:00Z' + (split_part(name, ' ', 2)::int * interval '1 second')
          where project_id = ${p.id}`,
    );
    const seen: string[] = [];
    let cursor: string | undefined;
    const pages = [];
    do {
      const page = await listRuns(db(), p.id, {}, { limit: 10, cursor });
      pages.push(page);
      seen.push(...page.data.map((r) => r.name));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(25);
    expect(seen[0]).toBe('run 24 even_%');
    expect(pages[0]!.prevCursor).toBeNull();
    const back = await listRuns(db(), p.id, {}, { limit: 10, cursor: pages[1]!.prevCursor! });
    expect(back.data.map((r) => r.name)).toEqual(pages[0]!.data.map((r) => r.name));
    expect((await listRuns(db(), p.id, { status: 'failed' }, { limit: 50 })).data).toHaveLength(5);
    expect((await listRuns(db(), p.id, { tag: 'three' }, { limit: 50 })).data).toHaveLength(9);
    expect((await listRuns(db(), p.id, { q: 'ODD' }, { limit: 50 })).data).toHaveLength(12);
    expect((await listRuns(db(), p.id, { q: '_%' }, { limit: 50 })).data).toHaveLength(13);
    expect(
      (await listRuns(db(), p.id, { userId: 'u1', status: 'succeeded' }, { limit: 50 })).data.length,
    ).toBe(5);
    await expect(listRuns(db(), p.id, {}, { limit: 5, cursor: 'garbage' })).rejects.toMatchObject({
      code: 'bad_request',
    });
  });

  it('the search box has a trigram index that serves name ILIKE (pg_trgm loaded on this database)', async () => {
    const p = await makeProject(db());
    await createRun(db(), p.id, { name: 'Invoice #4821 for ACME' });
    expect((await listRuns(db(), p.id, { q: 'e #48' }, { limit: 50 })).data).toHaveLength(1);
    const plan = await db().transaction(async (tx) => {
      // Tiny tables are always scanned; forbidding that shows whether the index can answer at all.
      await tx.execute(sql`set local enable_seqscan = off`);
      return queryRows<Record<string, string>>(
        tx,
        sql`explain select id from runs where name ilike ${'%nvoice #48%'}`,
      );
    });
    expect(plan.map((row) => Object.values(row)[0]).join('\n')).toContain('runs_name_trgm_idx');
  });
});
