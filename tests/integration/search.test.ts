import { describe, expect, it } from 'vitest';
import type { Db } from '@/db/client';
import type { EventInput } from '@/lib/contract';
import { appendEvents } from '@/server/events';
import { listRuns } from '@/server/runs';
import { plannedRows } from '@/server/runs/list';
import { firstContentMatches, rebuildSearchWords, recentMetadataKeys } from '@/server/search';
import { queryRows } from '@/db/sql';
import { sql } from 'drizzle-orm';
import { availableDrivers, describeEachDb, freshPglite, freshPostgres } from '../helpers/db';
import { makeProject, makeRun } from '../helpers/fixtures';

/** A chat turn as the recorder stores it: the user's text, streamed assistant text, a tool, an error. */
function chatEvents(user: string, deltas: string[], tool?: string, error?: string): EventInput[] {
  const events: EventInput[] = [{ seq: 0, type: 'user-message', payload: { text: user } }];
  events.push({ seq: 1, type: 'start', payload: { type: 'start' } });
  if (tool) {
    events.push({ seq: 2, type: 'tool-input-start', payload: { toolCallId: 't1', toolName: tool } });
    events.push({
      seq: 3,
      type: 'tool-output-available',
      payload: { toolCallId: 't1', output: { secret: 'zebra' } },
    });
  }
  events.push({ seq: 10, type: 'text-start', payload: { id: 'a' } });
  for (const [i, delta] of deltas.entries()) {
    events.push({ seq: 11 + i, type: 'text-delta', payload: { id: 'a', delta } });
  }
  events.push({ seq: 50, type: 'text-end', payload: { id: 'a' } });
  if (error) events.push({ seq: 60, type: 'error', payload: { errorText: error } });
  return events;
}

/** The same corpus on any database; answers each query with the names of the matching runs. */
async function searchCorpus(db: Db, queries: string[]): Promise<Record<string, string[]>> {
  const p = await makeProject(db);
  const corpus: [string, EventInput[], Record<string, string>][] = [
    [
      'weather chat',
      chatEvents('What is the weather in Paris?', ['It is sun', 'ny and ', 'warm.']),
      { env: 'prod' },
    ],
    ['tool chat', chatEvents('Look up order 42', ['Found ', 'it.'], 'lookupOrder'), { env: 'dev' }],
    [
      'broken chat',
      chatEvents('Summarize the report', ['Working'], undefined, 'Rate limit exceeded for gpt-4o'),
      { env: 'prod', team: 'a' },
    ],
    ['Paris trip plan', chatEvents('Plan a holiday', ['Go to Rome.']), {}],
    ['Café crème', chatEvents('Où est le café ?', ['Ici, près de la gare.']), { env: 'prod' }],
  ];
  for (const [name, events, metadata] of corpus) {
    const run = await makeRun(db, p.id, { name, metadata });
    // Two appends, as a live run would send them: the words of both count.
    await appendEvents(db, p.id, run.id, events.slice(0, 3));
    await appendEvents(db, p.id, run.id, events.slice(3));
    // A retried batch adds nothing and changes nothing.
    await appendEvents(db, p.id, run.id, events.slice(3));
  }
  const out: Record<string, string[]> = {};
  for (const q of queries) {
    const page = await listRuns(db, p.id, { q }, { limit: 50 });
    out[q] = page.data.map((r) => r.name).sort();
  }
  return out;
}

const queries = [
  'paris',
  'PARIS',
  'sunny',
  'lookuporder',
  'rate limit',
  'limit rate',
  'gpt-4o',
  'weather paris',
  'weather rome',
  'café',
  'zebra',
  'chat',
  'nothing-like-this',
  '!!',
];

const expected: Record<string, string[]> = {
  paris: ['Paris trip plan', 'weather chat'],
  PARIS: ['Paris trip plan', 'weather chat'],
  sunny: ['weather chat'],
  lookuporder: ['tool chat'],
  'rate limit': ['broken chat'],
  'limit rate': ['broken chat'],
  'gpt-4o': ['broken chat'],
  'weather paris': ['weather chat'],
  'weather rome': [],
  café: ['Café crème'],
  // Tool outputs are not searched.
  zebra: [],
  chat: ['broken chat', 'tool chat', 'weather chat'],
  'nothing-like-this': [],
  '!!': [],
};

describeEachDb('search inside runs', ({ db }) => {
  it('finds runs by name and by user messages, assistant text, tool names and errors', async () => {
    expect(await searchCorpus(db(), queries)).toEqual(expected);
  });

  it('rebuilds the same words from stored events (bulk-written data, or data older than the index)', async () => {
    const p = await makeProject(db());
    const run = await makeRun(db(), p.id, { name: 'bulk' });
    await appendEvents(
      db(),
      p.id,
      run.id,
      chatEvents('Où est Lisbon?', ['Sun', 'ny day'], 'getWeather', 'Timeout'),
    );
    const words = async () =>
      (
        await queryRows<{ w: string }>(
          db(),
          sql`select search::text as w from runs where id = ${run.id}::uuid`,
        )
      )[0]!.w;
    const appended = await words();
    await db().execute(sql`update runs set search = null where id = ${run.id}::uuid`);
    await rebuildSearchWords(db(), p.id);
    expect(await words()).toBe(appended);
    expect(appended).toContain("'sunny'");
  });

  it('gives the words of a batch computed once per chunk the same lexemes as the stored events', async () => {
    const p = await makeProject(db());
    const tricky = [
      'e-mail me at ana@example.com or see https://ex.am/ple?q=1&r=2 re: v1.2.3 (3.14, -5, 1e3)',
      "don't   stop\tthe\nsub-word  don't co-op 2026-11-28 état Straße 東京 foo_bar",
      'done done done',
    ];
    const events: EventInput[] = [
      { seq: 0, type: 'user-message', payload: { text: tricky[0]! } },
      // Deltas out of seq order and split inside words; repeated chunks.
      { seq: 4, type: 'text-delta', payload: { delta: 'ther. done done' } },
      { seq: 2, type: 'text-start', payload: {} },
      { seq: 3, type: 'text-delta', payload: { delta: 'wea' } },
      { seq: 5, type: 'text-end', payload: {} },
      { seq: 6, type: 'error', payload: { errorText: tricky[1]! } },
      { seq: 7, type: 'tool-input-available', payload: { toolName: 'get_weather-v2' } },
      { seq: 8, type: 'user-message', payload: { text: tricky[2]! } },
      { seq: 9, type: 'user-message', payload: { text: null } },
    ];
    const run = await makeRun(db(), p.id, { name: 'chunks' });
    await appendEvents(db(), p.id, run.id, events);
    const words = async () =>
      (
        await queryRows<{ w: string }>(
          db(),
          sql`select search::text as w from runs where id = ${run.id}::uuid`,
        )
      )[0]!.w;
    const appended = await words();
    await rebuildSearchWords(db(), p.id);
    expect(await words()).toBe(appended);
    expect(appended).toContain("'weather'");
    expect(appended).toContain("'ana@example.com'");
  });

  it('opens a found run at its first matching event and keeps other projects out', async () => {
    const p = await makeProject(db());
    const other = await makeProject(db());
    const run = await makeRun(db(), p.id, { name: 'seek' });
    await appendEvents(
      db(),
      p.id,
      run.id,
      chatEvents('hello there', ['The answer is ', 'forty-two'], 'calculator', 'Boom happened'),
    );
    const seqOf = async (q: string) => (await firstContentMatches(db(), p.id, [run.id], q)).get(run.id);
    expect(await seqOf('hello')).toEqual({ seq: 0, text: 'hello there' });
    expect(await seqOf('calculator')).toMatchObject({ seq: 2 });
    expect(await seqOf('answer')).toMatchObject({ seq: 11 });
    expect(await seqOf('boom')).toMatchObject({ seq: 60, text: 'Boom happened' });
    expect(await seqOf('absent')).toBeUndefined();
    expect((await firstContentMatches(db(), other.id, [run.id], 'hello')).size).toBe(0);
    expect((await listRuns(db(), other.id, { q: 'hello' }, { limit: 10 })).data).toHaveLength(0);
  });

  it('filters by exact metadata values and offers the keys of recent runs', async () => {
    const p = await makeProject(db());
    await makeRun(db(), p.id, { name: 'a', metadata: { env: 'prod', attempt: 2, nested: { x: 1 } } });
    await makeRun(db(), p.id, { name: 'b', metadata: { env: 'production' } });
    await makeRun(db(), p.id, { name: 'c', metadata: { env: 'dev', team: 'core' } });
    const names = async (meta: Record<string, string>) =>
      (await listRuns(db(), p.id, { meta }, { limit: 10 })).data.map((r) => r.name).sort();
    expect(await names({ env: 'prod' })).toEqual(['a']);
    expect(await names({ attempt: '2' })).toEqual(['a']);
    expect(await names({ env: 'dev', team: 'core' })).toEqual(['c']);
    expect(await names({ env: 'dev', team: 'other' })).toEqual([]);
    expect(await names({ missing: 'x' })).toEqual([]);
    // The value as text: a JSON string or the literal it spells, never a looser match.
    expect(await recentMetadataKeys(db(), p.id)).toEqual(['attempt', 'env', 'nested', 'team']);
    await makeRun(db(), p.id, { name: 'd', metadata: { attempt: '2', ok: true } });
    await makeRun(db(), p.id, { name: 'e', metadata: { attempt: 2.5 } });
    expect(await names({ attempt: '2' })).toEqual(['a', 'd']);
    expect(await names({ attempt: '02' })).toEqual([]);
    expect(await names({ attempt: '2.50' })).toEqual([]);
    expect(await names({ attempt: '2.5' })).toEqual(['e']);
    expect(await names({ ok: 'true' })).toEqual(['d']);
    expect(await names({ nested: '{"x": 1}' })).toEqual(['a']);
    expect(await names({ nested: '{}' })).toEqual([]);
  });

  it('pages a search, a tag or a metadata filter the same whether its matches are near the newest runs or only far behind them', async () => {
    const p = await makeProject(db());
    // 40 runs, one a minute (pairs share a timestamp: the id breaks the tie); content words set directly.
    for (let i = 0; i < 40; i++) {
      const run = await makeRun(db(), p.id, {
        name: i === 1 ? 'Special rare case' : `run ${i}`,
        status: i % 3 ? 'succeeded' : 'failed',
        tags: i === 4 || i === 9 ? ['prod', 'rare'] : ['prod'],
        metadata: {
          customer: i === 6 || i === 11 ? 'cust_rare' : 'cust_common',
          attempt: i % 5,
          beta: i % 2 === 0,
        },
      });
      const words = [
        i % 2 === 0 ? 'common' : '',
        i === 3 || i === 5 ? 'rare' : '',
        i % 7 === 0 ? 'medium' : '',
      ]
        .filter(Boolean)
        .join(' ');
      await db().execute(
        sql`update runs set created_at = ${new Date(Date.UTC(2026, 0, 1, 0, Math.floor(i / 2))).toISOString()}::timestamptz,
              search = to_tsvector('simple', ${words}) where id = ${run.id}::uuid`,
      );
    }
    type Filters = { q?: string; status?: 'failed'; tag?: string; meta?: Record<string, string> };
    // The filters written plainly: what listRuns's bounded windows must answer, page by page.
    const expected = async ({ q, status, tag, meta }: Filters) =>
      (
        await queryRows<{ id: string }>(
          db(),
          sql`select id from runs where project_id = ${p.id}::uuid ${status ? sql`and status = ${status}` : sql``}
                ${q ? sql`and (name ilike ${`%${q}%`} or search @@ plainto_tsquery('simple', ${q}))` : sql``}
                ${tag ? sql`and ${tag} = any(tags)` : sql``}
                ${sql.join(
                  Object.entries(meta ?? {}).map(([k, v]) => sql` and metadata ->> ${k} = ${v}`),
                  sql``,
                )}
              order by created_at desc, id desc`,
        )
      ).map((r) => r.id);
    const cases: Filters[] = [
      { q: 'common' },
      { q: 'rare' },
      { q: 'medium' },
      { q: 'common', status: 'failed' },
      { q: 'nothing' },
      { tag: 'rare' },
      { tag: 'prod', status: 'failed' },
      { tag: 'absent' },
      { meta: { customer: 'cust_rare' } },
      { meta: { customer: 'cust_common' } },
      { meta: { customer: 'cust_none' } },
      { meta: { attempt: '3' } },
      { meta: { beta: 'true', attempt: '2' } },
      { meta: { customer: 'cust_common' }, tag: 'rare', q: 'common' },
    ];
    for (const filters of cases) {
      const want = await expected(filters);
      for (const searchWindow of [1, 5, 2000]) {
        const label = `${JSON.stringify(filters)} window ${searchWindow}`;
        // Forward through every page, then back from the last page through every previous one.
        const forward: string[] = [];
        let cursor: string | undefined;
        let last = null as Awaited<ReturnType<typeof listRuns>> | null;
        do {
          last = await listRuns(db(), p.id, filters, { limit: 3, cursor, searchWindow });
          forward.push(...last.data.map((r) => r.id));
          cursor = last.nextCursor ?? undefined;
        } while (cursor);
        expect(forward, label).toEqual(want);
        const back: string[] = [];
        let prev = last.prevCursor;
        while (prev) {
          const page = await listRuns(db(), p.id, filters, { limit: 3, cursor: prev, searchWindow });
          back.unshift(...page.data.map((r) => r.id));
          prev = page.prevCursor;
        }
        expect([...back, ...last.data.map((r) => r.id)], `${label} backwards`).toEqual(want);
      }
    }
  });

  it("reads the planner's estimate of a filter's matches, which sends a rare value straight to the GIN indexes", async () => {
    const p = await makeProject(db());
    for (let i = 0; i < 30; i++) await makeRun(db(), p.id, { metadata: { env: 'prod' } });
    await db().execute(sql`analyze runs`);
    const estimate = (where: ReturnType<typeof sql>) =>
      plannedRows(db(), sql`project_id = ${p.id}::uuid and ${where}`);
    const all = await estimate(sql`true`);
    expect(all).toBeGreaterThan(0);
    expect(Number.isFinite(all)).toBe(true);
    // Absent from every run: fewer than a window's worth (and so read through the GIN index).
    expect(await estimate(sql`metadata @> '{"env":"nowhere"}'::jsonb`)).toBeLessThan(2000);
  });
});

// Stated outright, beside the expected table above: one corpus, both engines, the same answers.
if (availableDrivers().includes('postgres')) {
  describe('search inside runs: PGlite and Postgres agree', () => {
    it('answers every query with the same runs', async () => {
      const lite = await freshPglite();
      const pg = await freshPostgres();
      try {
        const extra = ['the', 'is', 'it', 'près', 'gare', 'order 42', '42', 'found it'];
        const [a, b] = [
          await searchCorpus(lite.db, [...queries, ...extra]),
          await searchCorpus(pg.db, [...queries, ...extra]),
        ];
        expect(a).toEqual(b);
      } finally {
        await lite.close();
        await pg.close();
      }
    });
  });
}
