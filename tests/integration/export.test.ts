import { parse } from 'csv-parse/sync';
import { expect, it } from 'vitest';
import type { Db } from '@/db/client';
import { appendEvents, listEvents, toEventDto } from '@/server/events';
import { EXPORT_PAGE, exportResults, exportRuns, resultCsvColumns, runCsvColumns } from '@/server/export';
import { addResults, listRuns, toResultDto, toRunDto } from '@/server/runs';
import { describeEachDb } from '../helpers/db';
import { makeProject, makeRun } from '../helpers/fixtures';

async function collect(lines: AsyncGenerator<string>): Promise<string> {
  let out = '';
  for await (const chunk of lines) out += chunk;
  return out;
}

/** A CSV cell back to the value it came from (JSON text for objects, numbers for numeric columns). */
function fromCell(value: string, sample: unknown): unknown {
  if (value === '') return sample === '' ? '' : null;
  if (typeof sample === 'number') return Number(value);
  // A text cell that would read as a formula went out with a leading quote.
  if (typeof sample === 'string' && /^[=+\-@\t\r]/.test(sample)) return value.replace(/^'/, '');
  if (sample !== null && typeof sample === 'object') return JSON.parse(value);
  return value;
}

async function tricky(db: Db) {
  const p = await makeProject(db);
  const names = ['plain', 'comma, "quoted"', 'multi\nline', 'émoji 🚀', '=1+2', ' spaced '];
  for (const [i, name] of names.entries()) {
    await makeRun(db, p.id, {
      name,
      userId: i % 2 ? 'u1' : null,
      metadata: { i, note: 'a,b\n"c"' },
      tags: i % 2 ? ['x', 'y,z'] : [],
      input: { prompt: `q${i}` },
      inputTokens: i * 10,
      costUsd: i / 3,
      status: i === 2 ? 'failed' : 'succeeded',
    });
  }
  return p;
}

describeEachDb('exports', ({ db }) => {
  it('CSV parses back to the listed runs, with the filters applied', async () => {
    const p = await tricky(db());
    const listed = (await listRuns(db(), p.id, { status: 'succeeded' }, { limit: 200 })).data.map(toRunDto);
    const csv = await collect(exportRuns(db(), p.id, { status: 'succeeded' }, { format: 'csv' }));
    const [header, ...records] = parse(csv, { relax_column_count: false }) as string[][];
    expect(header).toEqual([...runCsvColumns]);
    expect(records).toHaveLength(listed.length);
    records.forEach((rec, i) => {
      const run = listed[i]!;
      const back = Object.fromEntries(runCsvColumns.map((c, j) => [c, fromCell(rec[j]!, run[c])]));
      expect(back).toEqual(Object.fromEntries(runCsvColumns.map((c) => [c, run[c]])));
    });
  });

  it('JSONL parses back to the same runs, with their events when asked, across keyset pages', async () => {
    const p = await makeProject(db());
    const total = EXPORT_PAGE + 7;
    const values = Array.from({ length: total }, (_, i) => i);
    for (const i of values) await makeRun(db(), p.id, { name: `run ${i}`, metadata: { i } });
    const listed: unknown[] = [];
    let cursor: string | undefined;
    do {
      const page = await listRuns(db(), p.id, {}, { limit: 200, cursor });
      listed.push(...page.data.map(toRunDto));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const jsonl = await collect(exportRuns(db(), p.id, {}, { format: 'jsonl' }));
    const lines = jsonl
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(total);
    expect(lines).toEqual(listed);

    const run = await makeRun(db(), p.id, { name: 'with events' });
    await appendEvents(db(), p.id, run.id, [
      { seq: 0, type: 'user-message', payload: { text: 'hi\nthere' } },
      { seq: 1, type: 'text-delta', payload: { delta: 'ok' } },
    ]);
    const withEvents = await collect(
      exportRuns(db(), p.id, { q: 'events' }, { format: 'jsonl', events: true }),
    );
    const [only] = withEvents
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    const stored = (await listEvents(db(), p.id, run.id, { limit: 10 })).data.map(toEventDto);
    expect(only.events).toEqual(stored);
    expect(only.id).toBe(run.id);
  });

  it("exports a dataset run's results as CSV and JSONL; another project's run is not found", async () => {
    const p = await makeProject(db());
    const run = await makeRun(db(), p.id, { name: 'ds', kind: 'dataset' });
    const at = '2026-11-01T00:00:00.000Z';
    await addResults(db(), p.id, run.id, [
      {
        itemId: 'a',
        input: { q: 'x, y' },
        output: 'yes',
        groundTruth: 'yes',
        latencyMs: 12.5,
        startedAt: at,
        completedAt: at,
      },
      {
        itemId: 'b',
        input: { q: '"z"' },
        output: null,
        error: { message: 'boom' },
        latencyMs: 3,
        startedAt: at,
        completedAt: at,
        retryCount: 2,
      },
    ]);
    const csv = await collect(exportResults(db(), p.id, run.id, { format: 'csv' }));
    const [header, ...rows] = parse(csv) as string[][];
    expect(header).toEqual([...resultCsvColumns]);
    expect(
      rows.map((r) => [
        r[0],
        r[2],
        JSON.parse(r[3]!),
        r[6] ? JSON.parse(r[6]) : null,
        Number(r[7]),
        Number(r[8]),
      ]),
    ).toEqual([
      ['a', 'succeeded', { q: 'x, y' }, null, 12.5, 0],
      ['b', 'failed', { q: '"z"' }, { message: 'boom' }, 3, 2],
    ]);
    const jsonl = await collect(exportResults(db(), p.id, run.id, { format: 'jsonl' }));
    const { listResults } = await import('@/server/runs');
    const stored = (await listResults(db(), p.id, run.id, { limit: 10 })).data.map(toResultDto);
    expect(
      jsonl
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual(stored);
    const other = await makeProject(db());
    await expect(collect(exportResults(db(), other.id, run.id, { format: 'csv' }))).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});
