import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import {
  addSection,
  createReport,
  getReport,
  listRunReports,
  reorderSections,
  updateReport,
} from '@/server/reports';
import { deleteRun } from '@/server/runs';
import { describeEachDb } from '../helpers/db';
import { makeProject, makeRun } from '../helpers/fixtures';

describeEachDb('reports', ({ db }) => {
  it('builds a report of ordered sections with nested branch reports', async () => {
    const p = await makeProject(db());
    const run = await makeRun(db(), p.id, { kind: 'workflow' });
    const { report } = await createReport(db(), p.id, run.id, { title: 'Findings' });
    await addSection(db(), p.id, report.id, { heading: 'B', body: 'second' });
    await addSection(db(), p.id, report.id, { heading: 'C', body: 'third' });
    await addSection(db(), p.id, report.id, { heading: 'A', body: 'first', position: 0 });
    const branch = await createReport(db(), p.id, run.id, {
      title: 'Branch 1',
      branch: 'b1',
      parentReportId: report.id,
    });
    await addSection(db(), p.id, branch.report.id, { heading: 'x', body: '*md*' });
    const list = await listRunReports(db(), p.id, run.id);
    expect(list).toHaveLength(1);
    expect(list[0]!.sections.map((s) => [s.heading, s.position])).toEqual([
      ['A', 0],
      ['B', 1],
      ['C', 2],
    ]);
    expect(list[0]!.branches!.map((b) => b.title)).toEqual(['Branch 1']);
    expect(list[0]!.branches![0]!.sections[0]!.body).toBe('*md*');
  });

  it('gives concurrent appends distinct positions and reorders', async () => {
    const p = await makeProject(db());
    const run = await makeRun(db(), p.id);
    const { report } = await createReport(db(), p.id, run.id, { title: 'R' });
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => addSection(db(), p.id, report.id, { heading: `h${i}`, body: '' })),
    );
    const stored = (await getReport(db(), p.id, report.id))!;
    expect(stored.sections.map((s) => s.position)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const reversed = stored.sections.map((s) => s.id).reverse();
    const reordered = await reorderSections(db(), p.id, report.id, reversed);
    expect(reordered.map((s) => s.id)).toEqual(reversed);
    await expect(reorderSections(db(), p.id, report.id, reversed.slice(1))).rejects.toMatchObject({
      code: 'bad_request',
    });
  });

  it('updates, scopes to the project, checks parents, and goes with its run', async () => {
    const p = await makeProject(db());
    const other = await makeProject(db());
    const run = await makeRun(db(), p.id);
    const run2 = await makeRun(db(), p.id);
    const id = randomUUID();
    const { report, created } = await createReport(db(), p.id, run.id, { id, title: 'T' });
    expect(created).toBe(true);
    expect((await createReport(db(), p.id, run.id, { id, title: 'T' })).created).toBe(false);
    await expect(createReport(db(), p.id, run.id, { id, title: 'other' })).rejects.toMatchObject({
      code: 'conflict',
    });
    expect((await updateReport(db(), p.id, report.id, { status: 'final', title: 'T2' })).status).toBe(
      'final',
    );
    await expect(updateReport(db(), other.id, report.id, { title: 'x' })).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(addSection(db(), other.id, report.id, { heading: 'x', body: '' })).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(
      createReport(db(), p.id, run2.id, { title: 'b', parentReportId: report.id }),
    ).rejects.toMatchObject({ code: 'bad_request' });
    await expect(
      createReport(db(), p.id, run.id, { title: 'b', parentReportId: randomUUID() }),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(listRunReports(db(), other.id, run.id)).rejects.toMatchObject({ code: 'not_found' });
    await deleteRun(db(), p.id, run.id);
    expect(await getReport(db(), p.id, report.id)).toBeNull();
  });
});
