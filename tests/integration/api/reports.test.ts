import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { describeEachServer } from '../../helpers/shared-server';

type Api = Parameters<Parameters<typeof describeEachServer>[1]>[0]['api'];

async function newRun(api: Api, project = 'main'): Promise<string> {
  const res = await api('/api/v1/runs', {
    method: 'POST',
    body: { name: 'workflow', kind: 'workflow' },
    project,
  });
  return (await res.json()).run.id;
}

async function newReport(api: Api, runId: string, body: Record<string, unknown>, project = 'main') {
  const res = await api(`/api/v1/runs/${runId}/reports`, { method: 'POST', body, project });
  return { status: res.status, body: await res.json() };
}

const addSection = (api: Api, reportId: string, body: Record<string, unknown>, project = 'main') =>
  api(`/api/v1/reports/${reportId}/sections`, { method: 'POST', body, project });

describeEachServer('API reports', ({ api, server }) => {
  it('creates a report with a client id, idempotently, and 409 on different fields', async () => {
    const runId = await newRun(api);
    const id = randomUUID();
    const created = await newReport(api, runId, { id, title: 'Findings' });
    expect(created.status).toBe(201);
    expect(created.body.report).toEqual({
      id,
      runId,
      title: 'Findings',
      branch: null,
      parentReportId: null,
      status: 'draft',
      createdAt: expect.stringMatching(/Z$/),
      updatedAt: expect.stringMatching(/Z$/),
      sections: [],
    });
    const retry = await newReport(api, runId, { id, title: 'Findings' });
    expect(retry.status).toBe(200);
    expect(retry.body.report.id).toBe(id);
    const clash = await newReport(api, runId, { id, title: 'Other' });
    expect(clash.status).toBe(409);
    expect(clash.body.error.code).toBe('conflict');
    const noId = await newReport(api, runId, { title: 'Server id' });
    expect(noId.status).toBe(201);
    expect(noId.body.report.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('appends sections, inserts at an explicit position, and lists them in order', async () => {
    const runId = await newRun(api);
    const { report } = (await newReport(api, runId, { title: 'R' })).body;
    const first = await addSection(api, report.id, { heading: 'One', body: '# one' });
    expect(first.status).toBe(201);
    expect((await first.json()).section).toMatchObject({
      reportId: report.id,
      position: 0,
      heading: 'One',
      body: '# one',
    });
    const second = await (await addSection(api, report.id, { heading: 'Two', body: 'two' })).json();
    expect(second.section.position).toBe(1);
    const front = await (await addSection(api, report.id, { heading: 'Zero', body: '', position: 0 })).json();
    expect(front.section.position).toBe(0);
    const { data } = await (await api(`/api/v1/runs/${runId}/reports`)).json();
    expect(data).toHaveLength(1);
    expect(
      data[0].sections.map((s: { heading: string; position: number }) => [s.heading, s.position]),
    ).toEqual([
      ['Zero', 0],
      ['One', 1],
      ['Two', 2],
    ]);
    for (const body of [
      { heading: '', body: 'x' },
      { heading: 'h' },
      { heading: 'h', body: 'x', position: -1 },
      { heading: 'h\u0000', body: 'x' },
    ]) {
      expect((await addSection(api, report.id, body)).status, JSON.stringify(body)).toBe(400);
    }
  });

  it('nests branch reports under their parent; a parent of another run is 400, of another project 404', async () => {
    const runId = await newRun(api);
    const parent = (await newReport(api, runId, { title: 'Main' })).body.report;
    const branchA = await newReport(api, runId, {
      title: 'Branch A',
      branch: 'a',
      parentReportId: parent.id,
    });
    expect(branchA.status).toBe(201);
    expect(branchA.body.report).toMatchObject({ branch: 'a', parentReportId: parent.id });
    const branchB = (
      await newReport(api, runId, { title: 'Branch B', branch: 'b', parentReportId: parent.id })
    ).body.report;
    await addSection(api, branchB.id, { heading: 'B1', body: 'b' });

    const list = await api(`/api/v1/runs/${runId}/reports`);
    expect(list.status).toBe(200);
    const { data } = await list.json();
    expect(data.map((r: { title: string }) => r.title)).toEqual(['Main']);
    expect(data[0].branches.map((r: { title: string }) => r.title)).toEqual(['Branch A', 'Branch B']);
    expect(data[0].branches[1].sections[0]).toMatchObject({ heading: 'B1' });

    const otherRun = await newRun(api);
    const crossRun = await newReport(api, otherRun, { title: 'x', parentReportId: parent.id });
    expect(crossRun.status).toBe(400);
    expect(crossRun.body.error.code).toBe('bad_request');

    const foreignRun = await newRun(api, 'other');
    const foreignParent = (await newReport(api, foreignRun, { title: 'theirs' }, 'other')).body.report;
    const crossProject = await newReport(api, runId, { title: 'x', parentReportId: foreignParent.id });
    expect(crossProject.status).toBe(404);
    expect((await newReport(api, runId, { title: 'x', parentReportId: randomUUID() })).status).toBe(404);
  });

  it('patches title and status', async () => {
    const runId = await newRun(api);
    const { report } = (await newReport(api, runId, { title: 'Draft title' })).body;
    const res = await api(`/api/v1/reports/${report.id}`, {
      method: 'PATCH',
      body: { title: 'Final title', status: 'final' },
    });
    expect(res.status).toBe(200);
    const patched = (await res.json()).report;
    expect(patched).toMatchObject({ id: report.id, title: 'Final title', status: 'final', sections: [] });
    expect(Date.parse(patched.updatedAt)).toBeGreaterThanOrEqual(Date.parse(report.updatedAt));
    for (const body of [{ status: 'published' }, { title: '' }, { runId }]) {
      expect((await api(`/api/v1/reports/${report.id}`, { method: 'PATCH', body })).status).toBe(400);
    }
  });

  it("hides another project's reports and runs as 404", async () => {
    const runId = await newRun(api);
    const { report } = (await newReport(api, runId, { title: 'mine' })).body;
    expect((await api(`/api/v1/runs/${runId}/reports`, { project: 'other' })).status).toBe(404);
    expect((await newReport(api, runId, { title: 'x' }, 'other')).status).toBe(404);
    expect((await addSection(api, report.id, { heading: 'h', body: 'b' }, 'other')).status).toBe(404);
    const patch = await api(`/api/v1/reports/${report.id}`, {
      method: 'PATCH',
      body: { title: 't' },
      project: 'other',
    });
    expect(patch.status).toBe(404);
    expect((await patch.json()).error.code).toBe('not_found');
    expect((await api(`/api/v1/runs/${randomUUID()}/reports`)).status).toBe(404);
    expect((await addSection(api, randomUUID(), { heading: 'h', body: 'b' })).status).toBe(404);
    expect((await api('/api/v1/reports/nope', { method: 'PATCH', body: {} })).status).toBe(404);
    const { data } = await (await api(`/api/v1/runs/${runId}/reports`)).json();
    expect(data[0]).toMatchObject({ title: 'mine', sections: [] });
  });

  it('deleting the run deletes its reports', async () => {
    const runId = await newRun(api);
    const { report } = (await newReport(api, runId, { title: 'gone' })).body;
    expect((await api(`/api/v1/runs/${runId}`, { method: 'DELETE' })).status).toBe(204);
    expect((await addSection(api, report.id, { heading: 'h', body: 'b' })).status).toBe(404);
  });

  it('logged no unhandled error (no 500 was answered)', () => {
    expect(server().logs()).not.toContain('unhandled API error');
    // The body checks catch what the database would refuse before the driver's safety net has to.
    expect(server().logs()).not.toContain('database refused a value');
  });
});
