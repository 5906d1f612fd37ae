/** One-round-trip transactions (src/db/sql.ts pipelinedTransaction), on each database. */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { pgErrorCode, pipelinedTransaction, queryRows } from '@/db/sql';
import { describeEachDb } from '../helpers/db';

describeEachDb('pipelined transaction', ({ db }) => {
  const projectsNamed = async (slug: string) =>
    (
      await queryRows<{ n: number }>(db(), sql`select count(*)::int as n from projects where slug = ${slug}`)
    )[0]!.n;

  it('runs the statements in order, each seeing what the ones before it wrote and set', async () => {
    const slug = `pipe-${randomUUID().slice(0, 8)}`;
    const [inserted, handed, seen] = await pipelinedTransaction(db(), [
      sql`insert into projects (slug, name) values (${slug}, 'pipe') returning slug`,
      sql`select set_config('runledger.test_pipe', ${slug}, true) as v`,
      sql`select count(*)::int as n from projects where slug = current_setting('runledger.test_pipe')`,
    ]);
    expect(inserted).toEqual([{ slug }]);
    expect(handed).toEqual([{ v: slug }]);
    expect(seen).toEqual([{ n: 1 }]);
    expect(await projectsNamed(slug)).toBe(1);
  });

  it('runs the statements after the COMMIT on their own: they see what it committed, and run even after a failure', async () => {
    const slug = `pipe-${randomUUID().slice(0, 8)}`;
    const [, after] = await pipelinedTransaction(
      db(),
      [sql`insert into projects (slug, name) values (${slug}, 'pipe')`],
      [sql`select count(*)::int as n from projects where slug = ${slug}`],
    );
    expect(after).toEqual([{ n: 1 }]);
    const err = await pipelinedTransaction(
      db(),
      [sql`insert into projects (slug, name) values (${slug}, 'pipe')`], // a duplicate slug
      [sql`insert into projects (slug, name) values (${`${slug}-after`}, 'pipe')`],
    ).catch((e: unknown) => e);
    expect(pgErrorCode(err)).toBe('23505');
    expect(await projectsNamed(slug)).toBe(1);
    expect(await projectsNamed(`${slug}-after`)).toBe(1);
  });

  it('keeps nothing when a statement fails, and throws its error (not the ones after it)', async () => {
    const slug = `pipe-${randomUUID().slice(0, 8)}`;
    const err = await pipelinedTransaction(db(), [
      sql`insert into projects (slug, name) values (${slug}, 'pipe')`,
      sql`select 1 / (select count(*) from projects where slug = 'no such project')::int as boom`,
      sql`insert into projects (slug, name) values (${`${slug}-after`}, 'pipe')`,
    ]).catch((e: unknown) => e);
    expect(pgErrorCode(err)).toBe('22012'); // division_by_zero
    expect(await projectsNamed(slug)).toBe(0);
    expect(await projectsNamed(`${slug}-after`)).toBe(0);
    // The connection is usable again: the next transaction commits.
    await pipelinedTransaction(db(), [sql`insert into projects (slug, name) values (${slug}, 'pipe')`]);
    expect(await projectsNamed(slug)).toBe(1);
  });
});
