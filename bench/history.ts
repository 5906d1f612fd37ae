/**
 * History benchmark: listRuns (the real domain function) against the same query written by hand with
 * postgres.js, over 1,000,000 runs of one project (plus 100,000 of another, to prove scoping).
 *
 *   npx tsx --conditions=react-server bench/history.ts
 *
 * Uses BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres): creates a fresh
 * database, migrates it, fills it with INSERT ... SELECT generate_series, and drops it at the end.
 *
 * `q` (name ILIKE '%term%') goes through a trigram GIN index (pg_trgm, migration 0002/0003) when the
 * term is rare; a common term is cheaper through the created_at index, and the planner picks that.
 */
import { pathToFileURL } from 'node:url';
import postgres from 'postgres';
import { connectPostgres } from '@/db/client';
import { runMigrations } from '@/db/migrate';
import type { RunFilters } from '@/lib/contract';
import { decodeCursor } from '@/lib/cursor';
import { listRunModels, listRuns, listThreadRuns } from '@/server/runs';
import { eventSearchTextSql } from '@/server/search/text';
import { adminUrl, withDatabase } from '../scripts/lib/pg-url';

const MAIN_ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
/** Events per run of the main project (content search reads the words they add): 20M at the default. */
const EVENTS_PER_RUN = Number(process.env.BENCH_EVENTS_PER_RUN ?? 20);
/** Content search's p95 target. */
const SEARCH_TARGET_MS = 100;
const OTHER_ROWS = Math.round(MAIN_ROWS / 10);
const REPEAT = 20;
const LIMIT = 50;
const TARGET_MS = 50;
const PAGE_TARGET_MS = 150;
const THREAD_RUNS = 2500;

const MAIN = '00000000-0000-4000-8000-000000000001';
const OTHER = '00000000-0000-4000-8000-000000000002';

type Sql = postgres.Sql;

/** The append's event-text expression (constant SQL). */
const eventText = eventSearchTextSql();

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

/** p50/p95 over REPEAT calls after a warm-up; a case slower than 250 ms gets 5 calls, to bound the runtime. */
async function time(fn: () => Promise<unknown>): Promise<number[]> {
  const w0 = performance.now();
  await fn(); // warm-up
  const repeat = performance.now() - w0 > 250 ? 5 : REPEAT;
  const out: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

/** Fills runs fast: indexes dropped, rows generated in SQL, indexes rebuilt, then ANALYZE. */
async function fill(sql: Sql) {
  await sql`insert into projects (id, slug, name) values (${MAIN}, 'bench', 'Bench'), (${OTHER}, 'other', 'Other')`;
  const indexes = await sql<{ name: string; def: string }[]>`
    select indexname as name, indexdef as def from pg_indexes
    where tablename = 'runs' and indexname <> 'runs_pkey'`;
  for (const i of indexes) await sql.unsafe(`drop index ${i.name}`);
  const insert = (project: string, rows: number) =>
    sql.unsafe(`
    insert into runs (project_id, kind, name, status, thread_id, user_id, model, tags, metadata,
                      started_at, ended_at, created_at, updated_at, event_count, last_seq,
                      input_tokens, output_tokens, total_tokens, cost_usd)
    select '${project}'::uuid,
      (case when g % 20 = 0 then 'workflow' when g % 97 = 0 then 'dataset' else 'chat' end)::run_kind,
      (array['Chat about billing','Weekly churn analysis','Support triage','Kyoto itinerary','Debounce helper',
             'Order lookup','Release notes','Postgres seq scan','Invoice question','Refund request'])[1 + g % 10]
        || ' #' || g,
      (case when g % 13 = 0 then 'failed' when g % 101 = 0 then 'running' when g % 53 = 0 then 'cancelled'
            else 'succeeded' end)::run_status,
      'thread_' || (g / 4),
      'user_' || lpad((g % 5000)::text, 4, '0'),
      (array['gpt-4o-mini','claude-sonnet-4','gemini-2.5-flash','gpt-4.1'])[1 + g % 4],
      case when g % 7 = 0 then array['prod','billing'] when g % 11 = 0 then array['staging','eval']
           when g % 1000 = 0 then array['prod','rare'] else array['prod'] end,
      '{}'::jsonb,
      t.at, t.at + interval '4 seconds', t.at, t.at, 40, 39, 500, 200, 700, 0.0012
    from generate_series(1, ${rows}) as g
    cross join lateral (select now() - (random() * interval '90 days') as at) t`);
  const t0 = performance.now();
  await insert(MAIN, MAIN_ROWS);
  await insert(OTHER, OTHER_ROWS);
  // One long conversation: 2,500 turns.
  await sql`insert into runs (project_id, name, status, thread_id, user_id, model, input, output, created_at, updated_at)
    select ${MAIN}::uuid, 'Turn ' || g, 'succeeded', 'long-thread', 'user_0001', 'gpt-4o-mini',
      jsonb_build_object('text', repeat('question ', 20)), jsonb_build_object('text', repeat('answer ', 40)),
      now() - (2500 - g) * interval '1 minute', now()
    from generate_series(1, ${THREAD_RUNS}) g`;
  const t1 = performance.now();
  const t2 = performance.now();
  await fillEvents(sql);
  const t3 = performance.now();
  await sql`set maintenance_work_mem = '256MB'`;
  for (const i of indexes) await sql.unsafe(i.def);
  await sql`analyze runs`;
  console.log(
    `filled ${MAIN_ROWS + OTHER_ROWS} runs in ${((t1 - t0) / 1000).toFixed(1)} s, ${(MAIN_ROWS * EVENTS_PER_RUN).toLocaleString()} events and their search words in ${((t3 - t2) / 1000).toFixed(1)} s, indexes + analyze in ${((performance.now() - t3) / 1000).toFixed(1)} s`,
  );
}

/**
 * A chat turn per run of the main project: a user message, streamed assistant text, a tool call. One
 * run in 10,007 mentions "zanzibar" (a rare word); "refund" is in a third of the runs' text. Then every
 * run's search words are built from its events with the same text expression the append uses.
 */
async function fillEvents(sql: Sql) {
  if (EVENTS_PER_RUN < 3) return;
  const evIndexes = await sql<{ name: string; def: string }[]>`
    select indexname as name, indexdef as def from pg_indexes
    where tablename = 'run_events' and indexname <> 'run_events_pkey'`;
  for (const i of evIndexes) await sql.unsafe(`drop index ${i.name}`);
  const deltas = EVENTS_PER_RUN - 2;
  await sql.unsafe(`
    insert into run_events (run_id, seq, type, ts, payload)
    select r.id, s.seq,
      case when s.seq = 0 then 'user-message' when s.seq = ${EVENTS_PER_RUN - 1} then 'tool-input-available'
           else 'text-delta' end,
      r.created_at,
      case when s.seq = 0 then jsonb_build_object('text',
             (array['Where is my order','Please summarize the churn numbers','I want a refund for my plan',
                    'Plan a trip to Kyoto','Why is the query slow'])[1 + r.n % 5]
             || case when r.n % 10007 = 0 then ' near zanzibar' else '' end || ' ref ' || r.n)
           when s.seq = ${EVENTS_PER_RUN - 1} then jsonb_build_object('toolCallId', 't' || r.n,
             'toolName', (array['lookupOrder','searchDocs','issueRefund'])[1 + r.n % 3], 'input', '{}'::jsonb)
           else jsonb_build_object('delta', (array['Sure, ','let me ','check the ','order status ','and the refund ',
             'policy for ','your account. ','The numbers ','look fine ','today. '])[1 + (r.n + s.seq) % 10]) end
    from (select id, created_at, row_number() over () as n from runs where project_id = '${MAIN}') r
    cross join generate_series(0, ${deltas + 1}) as s(seq)`);
  await sql.unsafe(`update runs set event_count = ${EVENTS_PER_RUN}, last_seq = ${EVENTS_PER_RUN - 1},
    search = w.words
    from (select run_id, strip(to_tsvector('simple', concat_ws(' ',
            string_agg(${eventText} , ' ' order by seq) filter (where type not in ('text-delta','text-start','text-end')),
            string_agg(${eventText}, '' order by seq) filter (where type in ('text-delta','text-start','text-end'))))) as words
          from run_events group by run_id) w
    where runs.id = w.run_id`);
  for (const i of evIndexes) await sql.unsafe(i.def);
  await sql`analyze run_events`;
}

/** The page query written by hand: same predicates, same keyset, same order. */
function rawPage(sql: Sql, f: RunFilters, cursor?: string) {
  const key = cursor ? (decodeCursor(cursor, 3) as [string, string, string]) : undefined;
  const back = key?.[0] === 'p';
  const conds = [sql`project_id = ${MAIN}`];
  if (f.status) conds.push(sql`status = ${f.status}`);
  if (f.kind) conds.push(sql`kind = ${f.kind}`);
  if (f.userId) conds.push(sql`user_id = ${f.userId}`);
  if (f.tag) conds.push(sql`tags @> array[${f.tag}]::text[]`);
  if (f.q) conds.push(sql`(name ilike ${`%${f.q}%`} or search @@ plainto_tsquery('simple', ${f.q}))`);
  if (key) {
    conds.push(
      back
        ? sql`(created_at, id) > (${key[1]}::timestamptz, ${key[2]}::uuid)`
        : sql`(created_at, id) < (${key[1]}::timestamptz, ${key[2]}::uuid)`,
    );
  }
  const where = conds.reduce((a, c) => sql`${a} and ${c}`);
  return sql`select * from runs where ${where}
    order by ${back ? sql`created_at asc nulls first, id asc nulls first` : sql`created_at desc nulls last, id desc nulls last`} limit ${LIMIT + 1}`;
}

/** The node types of an EXPLAIN (ANALYZE) plan, e.g. "Limit > Index Scan (runs_project_created_idx)". */
async function planOf(sql: Sql, f: RunFilters, cursor?: string): Promise<string> {
  const [row] = await sql`explain (analyze, format json) ${rawPage(sql, f, cursor)}`;
  type Node = { 'Node Type': string; 'Index Name'?: string; Plans?: Node[] };
  const plan = (row as unknown as { 'QUERY PLAN': [{ Plan: Node; 'Execution Time': number }] })[
    'QUERY PLAN'
  ][0];
  const names: string[] = [];
  const walk = (n: Node) => {
    names.push(n['Index Name'] ? `${n['Node Type']} (${n['Index Name']})` : n['Node Type']);
    for (const c of n.Plans ?? []) walk(c);
  };
  walk(plan.Plan);
  return `${names.join(' > ')} [${plan['Execution Time'].toFixed(1)} ms]`;
}

type Case = { name: string; filters: RunFilters; cursor?: string };

export async function main() {
  const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `runledger_bench_${Date.now().toString(36)}`;
  const admin = postgres(adminUrl(serverUrl), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = withDatabase(serverUrl, name);
  const conn = connectPostgres(url, 4);
  const sql = postgres(url, { max: 2, onnotice: () => {} });
  const started = performance.now();
  const dropDatabase = () => admin.unsafe(`drop database if exists "${name}" with (force)`);
  // Interrupted: still drop the database (a million rows are not worth keeping).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void Promise.all([sql.end({ timeout: 1 }), conn.close()])
        .then(dropDatabase)
        .finally(() => process.exit(130));
    });
  }
  try {
    await runMigrations(conn);
    await fill(sql);
    const { db } = conn;

    // A deep cursor: walk 50 pages of the unfiltered list.
    let cursor: string | undefined;
    for (let i = 0; i < 49; i++)
      cursor = (await listRuns(db, MAIN, {}, { limit: LIMIT, cursor })).nextCursor!;
    const page50 = await listRuns(db, MAIN, {}, { limit: LIMIT, cursor });
    const deepCursor = cursor!;
    const prevCursor = page50.prevCursor!;
    // A cursor from half-way through the table (a jump far past what a user walks).
    const [mid] = await sql`select created_at, id from runs where project_id = ${MAIN}
      order by created_at desc nulls last, id desc nulls last offset ${Math.floor(MAIN_ROWS / 2)} limit 1`;
    const { encodeCursor } = await import('@/lib/cursor');
    const midCursor = encodeCursor(['n', new Date(mid!.created_at).toISOString(), mid!.id]);

    const cases: Case[] = [
      { name: 'first page', filters: {} },
      { name: 'page 50 (walked via cursors)', filters: {}, cursor: deepCursor },
      { name: `page at ${MAIN_ROWS / 2000}k (cursor jump)`, filters: {}, cursor: midCursor },
      { name: 'previous page (from page 50)', filters: {}, cursor: prevCursor },
      { name: 'status=failed', filters: { status: 'failed' } },
      {
        name: `status=failed, deep (${MAIN_ROWS / 2000}k)`,
        filters: { status: 'failed' },
        cursor: midCursor,
      },
      { name: 'kind=workflow', filters: { kind: 'workflow' } },
      { name: 'userId=user_0042', filters: { userId: 'user_0042' } },
      { name: 'tag=billing (1 in 7)', filters: { tag: 'billing' } },
      { name: 'tag=rare (1 in 1000)', filters: { tag: 'rare' } },
      { name: 'q=invoice (1 in 10)', filters: { q: 'invoice' } },
      { name: 'q=#12345 (rare substring)', filters: { q: '#12345' } },
      { name: 'q=nomatch (no row matches)', filters: { q: 'nomatch' } },
      { name: 'q=zanzibar (content, 1 in 10k)', filters: { q: 'zanzibar' } },
      { name: 'q=refund (content, 1 in 3)', filters: { q: 'refund' } },
      { name: 'q=issuerefund (tool name)', filters: { q: 'issuerefund' } },
    ];

    console.log(
      `\nlistRuns, limit ${LIMIT}, ${REPEAT} runs each, ${MAIN_ROWS.toLocaleString()} runs in the project`,
    );
    console.log(
      `${'case'.padEnd(32)} ${'listRuns p50/p95'.padStart(18)} ${'raw SQL p50/p95'.padStart(18)} ${'ratio'.padStart(6)}  plan`,
    );
    const slow: string[] = [];
    for (const c of cases) {
      const page = await listRuns(db, MAIN, c.filters, { limit: LIMIT, cursor: c.cursor });
      if (page.data.some((r) => r.projectId !== MAIN)) throw new Error(`${c.name}: a row of another project`);
      const domain = await time(() => listRuns(db, MAIN, c.filters, { limit: LIMIT, cursor: c.cursor }));
      const raw = await time(() => rawPage(sql, c.filters, c.cursor));
      const plan = await planOf(sql, c.filters, c.cursor);
      const [d50, d95, r50, r95] = [pct(domain, 50), pct(domain, 95), pct(raw, 50), pct(raw, 95)];
      if (d95 > (c.name.includes('content') ? SEARCH_TARGET_MS : TARGET_MS)) slow.push(c.name);
      console.log(
        `${c.name.padEnd(32)} ${`${d50.toFixed(1)}/${d95.toFixed(1)} ms`.padStart(18)} ${`${r50.toFixed(1)}/${r95.toFixed(1)} ms`.padStart(18)} ${(d50 / r50).toFixed(2).padStart(6)}  ${plan}`,
      );
    }
    console.log(
      slow.length
        ? `\nover ${TARGET_MS} ms at p95: ${slow.join('; ')}`
        : `\nevery case under ${TARGET_MS} ms at p95`,
    );

    // The /runs page's server reads: the list and the model facet, in parallel as the page runs them.
    // Before: the facet was SELECT DISTINCT model over every run of the project, on every render.
    console.log(`\n/runs page reads (listRuns + listRunModels in parallel; target < ${PAGE_TARGET_MS} ms)`);
    const oldFacet = () =>
      sql`select distinct model from runs where project_id = ${MAIN} and model is not null order by model limit 200`;
    const facetNow = await time(() => listRunModels(db, MAIN));
    const facetRaw = await time(
      () => sql`select model from run_models where project_id = ${MAIN} order by model limit 200`,
    );
    const facetOld = await time(oldFacet);
    console.log(
      `  model facet: run_models ${pct(facetNow, 50).toFixed(1)} ms (raw ${pct(facetRaw, 50).toFixed(1)} ms); before: DISTINCT over runs ${pct(facetOld, 50).toFixed(0)} ms`,
    );
    for (const c of cases
      .filter((x) =>
        ['first page', 'page 50 (walked via cursors)', 'status=failed', 'q=invoice (1 in 10)'].includes(
          x.name,
        ),
      )
      .concat([{ name: 'status=failed, older page', filters: { status: 'failed' }, cursor: deepCursor }])) {
      const pageReads = () =>
        Promise.all([
          listRuns(db, MAIN, c.filters, { limit: LIMIT, cursor: c.cursor }),
          listRunModels(db, MAIN),
        ]);
      const t = await time(pageReads);
      const raw = await time(() => Promise.all([rawPage(sql, c.filters, c.cursor), oldFacet()]));
      console.log(
        `  ${c.name.padEnd(32)} ${`${pct(t, 50).toFixed(1)}/${pct(t, 95).toFixed(1)} ms`.padStart(16)}   raw SQL with the old DISTINCT facet ${pct(raw, 50).toFixed(0)} ms`,
      );
    }

    // A thread page: 100 turns at a time instead of the whole conversation.
    const first = await listThreadRuns(db, MAIN, 'long-thread');
    const threadT = await time(() => listThreadRuns(db, MAIN, 'long-thread', { cursor: first.nextCursor! }));
    const rawThread = await time(
      () =>
        sql`select * from runs where project_id = ${MAIN} and thread_id = 'long-thread' order by created_at, id limit 101`,
    );
    const all =
      await sql`select * from runs where project_id = ${MAIN} and thread_id = 'long-thread' order by created_at, id`;
    console.log(
      `\nthread of ${first.total} runs: a page of ${first.data.length} in ${pct(threadT, 50).toFixed(1)} ms (raw ${pct(rawThread, 50).toFixed(1)} ms); page data ${(JSON.stringify(first.data).length / 1024).toFixed(0)} KB vs ${(JSON.stringify(all).length / 1024).toFixed(0)} KB for the whole thread`,
    );
    console.log(`total ${((performance.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    await sql.end({ timeout: 5 });
    await conn.close();
    await dropDatabase();
    await admin.end();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
