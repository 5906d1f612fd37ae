import { parse } from 'csv-parse/sync';
import { expect, it } from 'vitest';
import type { Db } from '@/db/client';
import { parseScoreCondition, parseScoreSort, scoreConditionsFrom } from '@/lib/score-filters';
import { exportRuns } from '@/server/export';
import { listRuns } from '@/server/runs';
import {
  insertScores,
  listRunsByScore,
  narrowByScores,
  runScoreCells,
  type ScoreFilters,
} from '@/server/scores';
import { describeEachDb } from '../helpers/db';
import { makeProject, makeRun } from '../helpers/fixtures';

const api = { source: 'api', authorId: 'key' } as const;

/** Five runs: quality 0, 0.25, 0.5, 0.75, 1 on runs 0..4; tone on some; run 5 without scores. */
async function scoredProject(db: Db) {
  const p = await makeProject(db);
  const runs = [];
  for (let i = 0; i < 6; i++) runs.push(await makeRun(db, p.id, { name: `run ${i}` }));
  const batch = runs.slice(0, 5).map((r, i) => ({ runId: r.id, name: 'quality', value: i / 4 }));
  await insertScores(db, p.id, api, batch, null);
  await insertScores(db, p.id, api, [{ runId: runs[1]!.id, name: 'quality', value: 0.75 }], null);
  // Step scores do not count as the run's own.
  await insertScores(db, p.id, api, [{ runId: runs[5]!.id, seq: 1, name: 'quality', value: 1 }], null);
  const human = { source: 'annotation', authorId: 'u1' } as const;
  await db.execute(
    `insert into score_configs (project_id, name, data_type, categories) values ('${p.id}', 'tone', 'categorical', '{good,rude}')`,
  );
  await insertScores(db, p.id, human, [{ runId: runs[2]!.id, name: 'tone', label: 'rude' }], null);
  await insertScores(db, p.id, human, [{ runId: runs[3]!.id, name: 'tone', label: 'good' }], null);
  return { p, runs };
}

const names = (rows: { name: string }[]) => rows.map((r) => r.name).sort();

it('parses score filters and sorts as typed', () => {
  expect(parseScoreCondition('quality >= 0.8')).toEqual({ name: 'quality', op: 'gte', value: 0.8 });
  expect(parseScoreCondition('tone = good')).toEqual({ name: 'tone', op: 'label', label: 'good' });
  expect(parseScoreCondition('!quality')).toEqual({ name: 'quality', op: 'missing' });
  expect(parseScoreCondition('correct = true')).toEqual({ name: 'correct', op: 'eq', value: 1 });
  expect(parseScoreCondition('tone > good')).toBeNull();
  expect(parseScoreCondition('nonsense')).toBeNull();
  expect(scoreConditionsFrom(['a<1', 'junk', 'b>2'])).toHaveLength(2);
  expect(parseScoreSort('-score.quality')).toEqual({ name: 'quality', dir: 'asc' });
  expect(parseScoreSort('created')).toBeNull();
});

describeEachDb('history by score', ({ db }) => {
  it('filters by a value, a label, and a missing score, with the other filters', async () => {
    const { p } = await scoredProject(db());
    const list = async (text: string[]) =>
      names((await listRuns(db(), p.id, { scores: scoreConditionsFrom(text) }, { limit: 50 })).data);
    expect(await list(['quality >= 0.75'])).toEqual(['run 1', 'run 3', 'run 4']);
    expect(await list(['quality < 0.25'])).toEqual(['run 0']);
    expect(await list(['tone = rude'])).toEqual(['run 2']);
    expect(await list(['!quality'])).toEqual(['run 5']);
    expect(await list(['!tone', 'quality > 0.5'])).toEqual(['run 1', 'run 4']);
    // Another project's scores never match.
    const other = await makeProject(db());
    expect(
      (await listRuns(db(), other.id, { scores: scoreConditionsFrom(['quality >= 0']) }, { limit: 50 })).data,
    ).toEqual([]);
  });

  it('narrows a rare filter to its runs first, and leaves a common one to the newest-first walk', async () => {
    const { p } = await scoredProject(db());
    const rare: ScoreFilters = { scores: scoreConditionsFrom(['quality >= 0.75', 'tone = rude']) };
    // With a limit of 1 run: tone = rude (1 run) narrows, quality >= 0.75 (3 runs) does not.
    const narrowed = await narrowByScores(db(), p.id, rare, 1);
    expect(narrowed.scoredRunIds).toHaveLength(1);
    const common: ScoreFilters = { scores: scoreConditionsFrom(['quality >= 0.25']) };
    expect((await narrowByScores(db(), p.id, common, 1)).scoredRunIds).toBeUndefined();
    // Either way the page is the same: scoredRunIds only bounds what the conditions already say.
    const walk = await listRuns(db(), p.id, { ...common }, { limit: 50 });
    const bounded = await listRuns(db(), p.id, await narrowByScores(db(), p.id, common), { limit: 50 });
    expect(names(bounded.data)).toEqual(names(walk.data));
    expect(names(walk.data)).toEqual(['run 1', 'run 2', 'run 3', 'run 4']);
  });

  it('sorts by a score both ways in keyset pages, leaving out runs without it', async () => {
    const { p } = await scoredProject(db());
    const walk = async (dir: 'asc' | 'desc') => {
      const seen: [string, number][] = [];
      let cursor: string | undefined;
      do {
        const page = await listRunsByScore(db(), p.id, {}, { name: 'quality', dir }, { limit: 2, cursor });
        seen.push(...page.data.map((r): [string, number] => [r.name, r.sortValue]));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return seen;
    };
    const desc = await walk('desc');
    expect(desc.map(([, v]) => v)).toEqual([1, 0.75, 0.75, 0.5, 0.25, 0]);
    expect(desc.map(([n]) => n)).not.toContain('run 5');
    const asc = await walk('asc');
    expect(asc.map(([, v]) => v)).toEqual([0, 0.25, 0.5, 0.75, 0.75, 1]);
    // With another filter.
    const filtered = await listRunsByScore(
      db(),
      p.id,
      { scores: scoreConditionsFrom(['tone = good']) },
      { name: 'quality', dir: 'desc' },
      { limit: 10 },
    );
    expect(filtered.data.map((r) => r.name)).toEqual(['run 3']);
  });

  it('shows score columns (a mean over authors) and exports scores', async () => {
    const { p, runs } = await scoredProject(db());
    const cells = await runScoreCells(
      db(),
      p.id,
      runs.map((r) => r.id),
      ['quality', 'tone'],
    );
    expect(cells.get(runs[1]!.id)?.get('quality')).toBe('0.5');
    expect(cells.get(runs[2]!.id)?.get('tone')).toBe('rude');
    expect(cells.get(runs[5]!.id)).toBeUndefined();

    let csv = '';
    for await (const chunk of exportRuns(db(), p.id, {}, { format: 'csv', scores: true })) csv += chunk;
    const [header, ...records] = parse(csv) as string[][];
    expect(header!.at(-1)).toBe('scores');
    const byName = Object.fromEntries(records.map((r) => [r[1], JSON.parse(r.at(-1)!)]));
    expect(byName['run 3']).toEqual({ quality: '0.75', tone: 'good' });
    expect(byName['run 5']).toEqual({});
    let jsonl = '';
    for await (const chunk of exportRuns(
      db(),
      p.id,
      { scores: scoreConditionsFrom(['tone = rude']) },
      { format: 'jsonl', scores: true },
    ))
      jsonl += chunk;
    const lines = jsonl
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0].scores.map((s: { name: string }) => s.name).sort()).toEqual(['quality', 'tone']);
  });
});
