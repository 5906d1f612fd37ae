import { parse } from 'csv-parse/sync';
import { beforeAll, expect, it, vi } from 'vitest';
import { GET as dashboardExport } from '@/app/(dashboard)/p/[slug]/runs/export/route';
import { GET as resultsExport } from '@/app/api/v1/runs/[id]/results/export/route';
import { GET as runsExport } from '@/app/api/v1/runs/export/route';
import { addResults } from '@/server/runs';
import { makeUser, signInCookie } from '../../helpers/accounts';
import { bearer, callHandler, useApiHandlers } from '../../helpers/api-handler';
import { describeEachDb } from '../../helpers/db';
import { makeProject, makeRun } from '../../helpers/fixtures';
import { setRequest } from '../../helpers/next-request';

vi.mock('next/headers', async () => {
  const m = await import('../../helpers/next-request');
  return { headers: async () => m.request.headers, cookies: async () => m.cookieStore() };
});

/** What a spreadsheet would run: each starts with a formula character, a tab or a carriage return. */
const FORMULAS = [
  '=HYPERLINK("http://evil.example","x")',
  "=cmd|' /C calc'!A0",
  '+1+2',
  '-2+3',
  '@SUM(A1:A2)',
  '\t=1',
  '\r=1',
];
const SAFE = ['plain', ' =spaced', 'a=b'];

/** Every cell of a CSV export that could be read as a formula: none may be left. */
function dangerousCells(csv: string): string[] {
  const rows = parse(csv, { relax_quotes: false }) as string[][];
  return rows.flat().filter((c) => /^[=+\-@\t\r]/.test(c));
}

describeEachDb('CSV exports neutralise formulas', ({ db, driver }) => {
  let projectId: string;
  let slug: string;
  let auth: string;

  beforeAll(async () => {
    useApiHandlers(db, driver);
    const p = await makeProject(db(), 'csv');
    projectId = p.id;
    slug = p.slug;
    auth = await bearer(db(), projectId);
    for (const text of [...FORMULAS, ...SAFE]) {
      await makeRun(db(), projectId, { name: text, userId: text, threadId: text, model: text, tags: [text] });
    }
  });

  it('the API runs export prefixes every formula cell with a quote, and leaves other cells alone', async () => {
    const res = await callHandler(runsExport, { path: '/api/v1/runs/export?format=csv', auth });
    expect(res.status).toBe(200);
    const csv = await res.text();
    expect(dangerousCells(csv)).toEqual([]);
    const [header, ...rows] = parse(csv) as string[][];
    const names = rows.map((r) => r[header!.indexOf('name')]);
    const users = rows.map((r) => r[header!.indexOf('userId')]);
    expect(names.sort()).toEqual([...FORMULAS.map((f) => `'${f}`), ...SAFE].sort());
    expect(users.sort()).toEqual(names.sort());
    // Negative-looking numbers in numeric columns are numbers, not text: none of them was prefixed.
    expect(rows.every((r) => /^\d+$/.test(r[header!.indexOf('eventCount')]!))).toBe(true);
  });

  it('the API dataset results export neutralises item ids, outputs and errors', async () => {
    const run = await makeRun(db(), projectId, { name: 'ds', kind: 'dataset' });
    const at = '2026-11-01T00:00:00.000Z';
    await addResults(
      db(),
      projectId,
      run.id,
      FORMULAS.map((f, i) => ({
        itemId: f,
        input: f,
        output: f,
        groundTruth: f,
        error: i % 2 ? { message: f } : undefined,
        latencyMs: 1,
        startedAt: at,
        completedAt: at,
      })),
    );
    const res = await callHandler(resultsExport, {
      path: `/api/v1/runs/${run.id}/results/export?format=csv`,
      auth,
      params: { id: run.id },
    });
    expect(res.status).toBe(200);
    const csv = await res.text();
    expect(dangerousCells(csv)).toEqual([]);
    const [, ...rows] = parse(csv) as string[][];
    expect(rows.map((r) => r[0]).sort()).toEqual(FORMULAS.map((f) => `'${f}`).sort());
  });

  it("the dashboard's download neutralises the same cells", async () => {
    const viewer = await makeUser(db(), { projectId, role: 'viewer' });
    setRequest({ cookie: await signInCookie(db(), viewer.email), project: slug });
    const res = await dashboardExport(new Request(`http://localhost:3000/p/${slug}/runs/export?format=csv`), {
      params: Promise.resolve({ slug }),
    });
    expect(res.status).toBe(200);
    const csv = await res.text();
    expect(csv).toContain("'=HYPERLINK(");
    expect(dangerousCells(csv)).toEqual([]);
  });
});
