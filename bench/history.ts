/**
 * History benchmark: listRuns (the real domain function) against the same query written by hand with
 * postgres.js, over 1,000,000 runs of one project (plus 100,000 of another, to prove scoping) and
 * 20,000,000 events (content search), with the query plans.
 *
 *   npx tsx --conditions=react-server bench/history.ts
 *   BENCH_HISTORY_RUNS=100000 BENCH_HISTORY_EVENTS=2000000 npm run bench -- history   (smaller)
 *   BENCH_HISTORY_KEEP=1 …, then BENCH_HISTORY_DB=<name> …   (fill once, measure again)
 *
 * Uses BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres): creates a fresh
 * database, migrates it, fills it in set-based SQL (generate_series; see fill), and drops it at the end.
 *
 * `q` (name ILIKE '%term%' or every word among the run's content words) goes through the trigram and
 * tsvector GIN indexes when the term is rare; a common term is cheaper through the created_at index,
 * and the planner picks that.
 */
import { cpus, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import postgres from 'postgres';
import { connectPostgres } from '@/db/client';
import { runMigrations } from '@/db/migrate';
import type { RunFilters } from '@/lib/contract';
import { decodeCursor } from '@/lib/cursor';
import { listRunModels, listRuns, listThreadRuns } from '@/server/runs';
import { firstContentMatches, recentMetadataKeys } from '@/server/search';
import { runSearchWordsSql } from '@/server/search/text';
import { adminUrl, withDatabase } from '../scripts/lib/pg-url';
import { pct } from './lib/stats';

/** Runs of the main project (BENCH_HISTORY_RUNS; BENCH_ROWS is the older name). */
const MAIN_ROWS = Number(process.env.BENCH_HISTORY_RUNS ?? process.env.BENCH_ROWS ?? 1_000_000);
/**
 * Events of the main project's runs, in all (BENCH_HISTORY_EVENTS, default 20 per run: 20M), or per run
 * (BENCH_EVENTS_PER_RUN, the older knob). Content search reads the words they add.
 */
const EVENTS_PER_RUN = process.env.BENCH_HISTORY_EVENTS
  ? Math.round(Number(process.env.BENCH_HISTORY_EVENTS) / MAIN_ROWS)
  : Number(process.env.BENCH_EVENTS_PER_RUN ?? 20);
/** BENCH_HISTORY_KEEP=1 keeps the filled database (its name is printed); BENCH_HISTORY_DB=<name> reuses it (creating and filling it the first time). */
const KEEP = process.env.BENCH_HISTORY_KEEP === '1';
const REUSE = process.env.BENCH_HISTORY_DB;
const SEARCH_TARGET_MS = 100;
const REPEAT = 20;
const LIMIT = 50;
const TARGET_MS = 50;
const PAGE_TARGET_MS = 150;
const THREAD_RUNS = 2500;

export const MAIN = '00000000-0000-4000-8000-000000000001';
const OTHER = '00000000-0000-4000-8000-000000000002';

type Sql = postgres.Sql;

/** p50/p95 over REPEAT calls after a warm-up; a case slower than 250 ms gets 5 calls, to bound the runtime. */
export async function time(fn: () => Promise<unknown>): Promise<number[]> {
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

/** Run ids from the row number, so events are generated without reading runs back: `run(g)`. */
const runIdSql = (prefix: string, g: string) =>
  `('00000000-0000-4000-${prefix}-' || lpad(to_hex(${g}), 12, '0'))::uuid`;
/**
 * One instant for the whole fill: the runs and their events are inserted by separate statements, and
 * an event's `run_created_at` must equal its run's `created_at` (the app reads a run's events from the
 * partition that time names), so neither may use its own statement's now().
 */
const FILL_AT = new Date().toISOString();
/** A spread over 90 days, from the row number (a multiplicative hash), so events can repeat it. */
const createdAtSql = (g: string) =>
  `('${FILL_AT}'::timestamptz - ((${g}::bigint * 2654435761) % 7776000000) * interval '1 millisecond')`;

/**
 * Each run's metadata, as an app sets it: its customer (2,000 of them: a value holds 1 run in 2,000;
 * `cust_0042` is the bench's rare value), its environment (prod 16 in 20, staging 3, dev 1), a region
 * and an app version; one run in 50 also names an experiment. `(g * 40503) % 2000` is a permutation of
 * `g % 2000`, so customers do not follow the other `g % n` columns.
 */
const METADATA_SQL = `jsonb_build_object(
    'customer', 'cust_' || lpad(((g::bigint * 40503) % 2000)::text, 4, '0'),
    'env', case when g % 20 < 16 then 'prod' when g % 20 < 19 then 'staging' else 'dev' end,
    'region', (array['us-east-1','eu-west-1','ap-northeast-1'])[1 + (g / 3) % 3],
    'appVersion', '2.' || (g % 17))
  || case when g % 50 = 0 then jsonb_build_object('experiment', 'exp_' || (g % 7)) else '{}'::jsonb end`;

/**
 * The assistant's text streams as deltas picked from this pool; "refund" is one of 40 fragments, so
 * about a third of the runs' answers hold it (plus the user messages that ask for one).
 */
const FRAGMENTS = [
  'Sure, ',
  'let me ',
  'check ',
  'the ',
  'order ',
  'status ',
  'for ',
  'refund ',
  'your ',
  'account. ',
  'The ',
  'numbers ',
  'look ',
  'fine ',
  'today. ',
  'I ',
  'found ',
  'three ',
  'matching ',
  'invoices ',
  'and ',
  'one ',
  'open ',
  'ticket. ',
  'Shipping ',
  'takes ',
  'two ',
  'days ',
  'from ',
  'Osaka. ',
  'Here ',
  'is ',
  'a ',
  'summary ',
  'of ',
  'churn ',
  'by ',
  'plan: ',
  'monthly ',
  'annual. ',
];

/**
 * `bench_events(n, events)`: the events of run number n, as an AI SDK chat turn streams them: the user
 * message, a text block of deltas, a tool call and its output (1 run in 50: a tool error). One run in
 * 10,007 asks about "zanzibar" (a rare word), one in 97 asks to "escalate". The fill inserts these rows
 * and builds each run's search words from the same rows with the app's expression.
 */
async function createEventGenerator(sql: Sql) {
  const frags = `array[${FRAGMENTS.map((f) => `'${f}'`).join(',')}]`;
  await sql.unsafe(`
    create or replace function bench_events(n bigint, events int)
    returns table (seq int, type text, payload jsonb) language sql immutable as $$
      select s.seq,
        case when s.seq = 0 then 'user-message' when s.seq = 1 then 'text-start'
             when s.seq = events - 4 then 'text-end' when s.seq = events - 3 then 'tool-input-start'
             when s.seq = events - 2 then 'tool-input-available'
             when s.seq = events - 1 and n % 50 = 0 then 'tool-output-error'
             when s.seq = events - 1 then 'tool-output-available'
             else 'text-delta' end,
        case when s.seq = 0 then jsonb_build_object('id', 'msg-' || n, 'text',
               (array['Where is my order','Please summarize the churn numbers','I want a refund for my plan',
                      'Plan a trip to Kyoto','Why is the query slow'])[1 + n % 5]
               || case when n % 10007 = 0 then ' near zanzibar' else '' end
               || case when n % 97 = 0 then ', or escalate it' else '' end || ' (ref ' || n || ')')
             when s.seq = 1 or s.seq = events - 4 then jsonb_build_object('id', 'txt-0')
             when s.seq >= events - 3 then jsonb_build_object('toolCallId', 'call-' || n,
               'toolName', (array['lookupOrder','searchDocs','issueRefund','getWeather'])[1 + n % 4])
               || case when s.seq = events - 2 then jsonb_build_object('input', jsonb_build_object('id', n))
                       when s.seq = events - 1 and n % 50 = 0
                         then jsonb_build_object('errorText', 'Timeout while calling the upstream API')
                       when s.seq = events - 1 then jsonb_build_object('output', jsonb_build_object('ok', true,
                         'items', n % 7))
                       else '{}'::jsonb end
             else jsonb_build_object('id', 'txt-0', 'delta',
               (${frags})[1 + (n * 31 + (s.seq - 2) * 17) % ${FRAGMENTS.length}]) end
      from generate_series(0, events - 1) as s(seq)
    $$`);
}

/**
 * Fills runs and events fast, in set-based SQL: indexes dropped (unique ones stay: foreign keys rely
 * on them), rows generated by generate_series,
 * each run's search words built in the same statement from its generated events (bench_events, with
 * runSearchWordsSql: the expression rebuildSearchWords uses, which equals what the append builds), the
 * events inserted from the same generator, indexes rebuilt, then ANALYZE. Triggers (the run_models
 * one, foreign-key checks) are skipped for the fill (session_replication_role = replica) and run_models
 * is filled after; run_events is UNLOGGED in this throwaway database (no WAL: reads are the same).
 */
export async function fill(
  sql: Sql,
  {
    runs = MAIN_ROWS,
    eventsPerRun = EVENTS_PER_RUN,
    partitioned = true,
  }: {
    runs?: number;
    eventsPerRun?: number;
    /** false: the schema before run_events was partitioned (no project_id or run_created_at on events). */
    partitioned?: boolean;
  } = {},
) {
  const t0 = performance.now();
  await sql`insert into projects (id, slug, name) values (${MAIN}, 'bench', 'Bench'), (${OTHER}, 'other', 'Other')`;
  await createEventGenerator(sql);
  const dropIndexes = async (table: string) => {
    const indexes = await sql<{ name: string; def: string }[]>`
      select indexname as name, indexdef as def from pg_indexes
      where tablename = ${table} and indexdef not like 'CREATE UNIQUE %'`;
    for (const i of indexes) await sql.unsafe(`drop index ${i.name}`);
    // A partitioned table's index reads `ON ONLY` (the parent alone): rebuilt on every partition.
    return indexes.map((i) => ({ ...i, def: i.def.replace(' ON ONLY ', ' ON ') }));
  };
  const runIndexes = await dropIndexes('runs');
  const eventIndexes = await dropIndexes('run_events');
  const E = eventsPerRun;
  const withEvents = E >= 7;
  const insertRuns = (
    tx: Pick<Sql, 'unsafe'>,
    project: string,
    prefix: string,
    rows: number,
    events: boolean,
  ) =>
    tx.unsafe(`
    insert into runs (id, project_id, kind, name, status, thread_id, user_id, model, tags, metadata,
                      started_at, ended_at, created_at, updated_at, event_count, last_seq,
                      input_tokens, output_tokens, total_tokens, cost_usd, search)
    select ${runIdSql(prefix, 'g')}, '${project}'::uuid,
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
      ${METADATA_SQL},
      t.at, t.at + interval '4 seconds', t.at, t.at,
      ${events ? E : 0}, ${events ? E - 1 : 'null'}, 500, 200, 700, 0.0012,
      ${events ? `(select ${runSearchWordsSql()} from bench_events(g, ${E}))` : 'null'}
    from generate_series(1, ${rows}) as g
    cross join lateral (select ${createdAtSql('g')} as at) t`);
  await sql.begin(async (tx) => {
    await tx`set local session_replication_role = replica`;
    await insertRuns(tx, MAIN, '8000', runs, withEvents);
    await insertRuns(tx, OTHER, '8001', Math.round(runs / 10), false);
    // One long conversation: 2,500 turns.
    await tx`insert into runs (project_id, name, status, thread_id, user_id, model, input, output, created_at, updated_at)
      select ${MAIN}::uuid, 'Turn ' || g, 'succeeded', 'long-thread', 'user_0001', 'gpt-4o-mini',
        jsonb_build_object('text', repeat('question ', 20)), jsonb_build_object('text', repeat('answer ', 40)),
        now() - (2500 - g) * interval '1 minute', now()
      from generate_series(1, ${THREAD_RUNS}) g`;
    await tx`insert into run_models (project_id, model)
      select distinct project_id, model from runs where model is not null on conflict do nothing`;
  });
  const t1 = performance.now();
  if (partitioned) {
    // A partition per month of the runs, made before the events so none wait in the default partition.
    await sql`select run_events_ensure_partition(m) from (select distinct date_trunc('month', created_at
      at time zone 'UTC') at time zone 'UTC' as m from runs) x`;
    const parts = await sql<{ name: string }[]>`select inhrelid::regclass::text as name from pg_inherits
      where inhparent = 'run_events'::regclass`;
    for (const p of parts) await sql.unsafe(`alter table ${p.name} set unlogged`);
  } else await sql`alter table run_events set unlogged`;
  if (withEvents) {
    await sql.begin(async (tx) => {
      await tx`set local session_replication_role = replica`;
      await tx.unsafe(`
        insert into run_events (${partitioned ? 'project_id, run_created_at, ' : ''}run_id, seq, type, ts, payload)
        select ${partitioned ? `'${MAIN}'::uuid, ${createdAtSql('g')}, ` : ''}${runIdSql('8000', 'g')}, e.seq, e.type,
          ${createdAtSql('g')} + e.seq * interval '150 milliseconds', e.payload
        from generate_series(1, ${runs}) as g cross join lateral bench_events(g, ${E}) e`);
    });
  }
  const t2 = performance.now();
  await sql`set maintenance_work_mem = '256MB'`;
  for (const i of [...runIndexes, ...eventIndexes]) await sql.unsafe(i.def);
  await sql`vacuum analyze runs`;
  await sql`vacuum analyze run_events`;
  const [c] = await sql<{ runs: number; events: number }[]>`
    select (select count(*) from runs)::int as runs, (select count(*) from run_events)::int as events`;
  console.log(
    `filled ${c!.runs.toLocaleString()} runs with their search words in ${((t1 - t0) / 1000).toFixed(1)} s, ${c!.events.toLocaleString()} events in ${((t2 - t1) / 1000).toFixed(1)} s, indexes + vacuum analyze in ${((performance.now() - t2) / 1000).toFixed(1)} s`,
  );
}

/**
 * Checks the fill before its figures are trusted: timestamps spread over the 90 days (not one shared
 * value), 2,000 customers with `cust_0042` on about 1 run in 2,000, and the environments in proportion.
 */
export async function checkFill(sql: Sql) {
  const [c] = await sql<
    { runs: number; times: number; days: number; customers: number; cust42: number; prod: number }[]
  >`select count(*)::int as runs, count(distinct created_at)::int as times,
      extract(epoch from max(created_at) - min(created_at))::float / 86400 as days,
      count(distinct metadata ->> 'customer')::int as customers,
      count(*) filter (where metadata ->> 'customer' = 'cust_0042')::int as cust42,
      count(*) filter (where metadata ->> 'env' = 'prod')::int as prod
    from runs where project_id = ${MAIN}`;
  const r = c!;
  console.log(
    `fill check: ${r.runs.toLocaleString()} runs, ${r.times.toLocaleString()} distinct created_at over ${r.days.toFixed(1)} days, ${r.customers} customers (cust_0042 on ${r.cust42} runs), env=prod on ${((100 * r.prod) / r.runs).toFixed(0)}%`,
  );
  if (r.times < r.runs * 0.9 || r.days < 80 || r.customers < 2000 || r.cust42 === 0) {
    throw new Error('the fill is not what the bench assumes (see the fill check above)');
  }
}

/**
 * The page query written by hand: same predicates, same keyset, same order. With `rare`, a search as one
 * would hand-write it knowing the term is rare: the matches through the GIN indexes in a subquery the
 * planner cannot turn into a newest-first walk (OFFSET 0), then sorted. Without it, the one statement
 * listRuns sent for a search before (the planner then chose the newest-first index for rare words too).
 */
function rawPage(sql: Sql, f: RunFilters, cursor?: string, rare = false, metaBefore = false) {
  const key = cursor ? (decodeCursor(cursor, 3) as [string, string, string]) : undefined;
  const back = key?.[0] === 'p';
  const conds = [sql`project_id = ${MAIN}`];
  if (f.status) conds.push(sql`status = ${f.status}`);
  if (f.kind) conds.push(sql`kind = ${f.kind}`);
  if (f.userId) conds.push(sql`user_id = ${f.userId}`);
  if (f.tag) conds.push(sql`tags @> array[${f.tag}]::text[]`);
  if (f.q) conds.push(sql`(name ilike ${`%${f.q}%`} or search @@ plainto_tsquery('simple', ${f.q}))`);
  for (const [k, v] of Object.entries(f.meta ?? {})) {
    conds.push(metaBefore ? sql`metadata ->> ${k} = ${v}` : sql`metadata @> ${sql.json({ [k]: v })}`);
  }
  if (key) {
    conds.push(
      back
        ? sql`(created_at, id) > (${key[1]}::timestamptz, ${key[2]}::uuid)`
        : sql`(created_at, id) < (${key[1]}::timestamptz, ${key[2]}::uuid)`,
    );
  }
  const where = conds.reduce((a, c) => sql`${a} and ${c}`);
  const order = back
    ? sql`created_at asc nulls first, id asc nulls first`
    : sql`created_at desc nulls last, id desc nulls last`;
  if (rare && (f.q || f.meta || f.tag)) {
    return sql`select * from (select * from runs where ${where} offset 0) m order by ${order} limit ${LIMIT + 1}`;
  }
  return sql`select * from runs where ${where} order by ${order} limit ${LIMIT + 1}`;
}

/** The node types of an EXPLAIN (ANALYZE) plan, e.g. "Limit > Index Scan (runs_project_created_idx)". */
async function planOf(
  sql: Sql,
  f: RunFilters,
  cursor?: string,
  rare = false,
  metaBefore = false,
): Promise<string> {
  const [row] = await sql`explain (analyze, format json) ${rawPage(sql, f, cursor, rare, metaBefore)}`;
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

/** `rare`: the raw baseline of a search reads the GIN indexes (see rawPage). */
type Case = { name: string; filters: RunFilters; cursor?: string; rare?: boolean };

export async function main() {
  const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = REUSE ?? `runledger_bench_${Date.now().toString(36)}`;
  const admin = postgres(adminUrl(serverUrl), { max: 1, onnotice: () => {} });
  // BENCH_HISTORY_DB names a database to reuse; one that does not exist yet is created and filled.
  const exists = REUSE ? (await admin`select 1 from pg_database where datname = ${REUSE}`).length > 0 : false;
  if (!exists) await admin.unsafe(`create database "${name}"`);
  const url = withDatabase(serverUrl, name);
  const conn = connectPostgres(url, 4);
  const sql = postgres(url, { max: 2, onnotice: () => {} });
  const started = performance.now();
  const dropDatabase = async () => {
    if (KEEP || REUSE) console.log(`kept database ${name} (BENCH_HISTORY_DB=${name} reuses it)`);
    else await admin.unsafe(`drop database if exists "${name}" with (force)`);
  };
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
    if (!exists) await fill(sql);
    await checkFill(sql);
    console.log(
      `load average: ${loadavg()
        .map((x) => x.toFixed(2))
        .join(', ')} (${cpus().length} cores)`,
    );
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
      { name: 'tag=rare (1 in 1000)', filters: { tag: 'rare' }, rare: true },
      { name: 'tag=absent (no run)', filters: { tag: 'absent' }, rare: true },
      { name: 'meta.customer (1 in 2,000)', filters: { meta: { customer: 'cust_0042' } }, rare: true },
      { name: 'meta.env=prod (4 in 5)', filters: { meta: { env: 'prod' } } },
      { name: 'meta.env=dev (1 in 20)', filters: { meta: { env: 'dev' } } },
      { name: 'meta.experiment (1 in 350)', filters: { meta: { experiment: 'exp_3' } }, rare: true },
      { name: 'meta.nosuch=x (no run)', filters: { meta: { nosuch: 'x' } }, rare: true },
      {
        name: 'meta.customer + status=failed',
        filters: { meta: { customer: 'cust_0042' }, status: 'failed' },
        rare: true,
      },
      {
        name: 'meta.customer, older page',
        filters: { meta: { customer: 'cust_0042' } },
        cursor: deepCursor,
        rare: true,
      },
      { name: 'q=invoice (1 in 10)', filters: { q: 'invoice' } },
      { name: 'q=#12345 (rare substring)', filters: { q: '#12345' }, rare: true },
      { name: 'q=nomatch (no row matches)', filters: { q: 'nomatch' }, rare: true },
      { name: 'q=zanzibar (content, 1 in 10k)', filters: { q: 'zanzibar' }, rare: true },
      { name: 'q=refund (content, common)', filters: { q: 'refund' } },
      { name: 'q=escalate (content, 1 in 97)', filters: { q: 'escalate' } },
      { name: 'q=refund plan (content, 2 words)', filters: { q: 'refund plan' } },
      { name: 'q=issuerefund (content, tool)', filters: { q: 'issuerefund' } },
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
      const raw = await time(() => rawPage(sql, c.filters, c.cursor, c.rare));
      const plan = await planOf(sql, c.filters, c.cursor, c.rare);
      const [d50, d95, r50, r95] = [pct(domain, 50), pct(domain, 95), pct(raw, 50), pct(raw, 95)];
      if (d95 > (c.name.includes('content') ? SEARCH_TARGET_MS : TARGET_MS)) slow.push(c.name);
      console.log(
        `${c.name.padEnd(32)} ${`${d50.toFixed(1)}/${d95.toFixed(1)} ms`.padStart(18)} ${`${r50.toFixed(1)}/${r95.toFixed(1)} ms`.padStart(18)} ${(d50 / r50).toFixed(2).padStart(6)}  ${plan}`,
      );
    }
    // What the one statement listRuns sent for a search before did with each term (one EXPLAIN ANALYZE).
    console.log('\nsearch as one statement (listRuns before): the plan Postgres picks alone');
    for (const c of cases.filter((x) => x.filters.q)) {
      console.log(`  ${c.name.padEnd(32)} ${await planOf(sql, c.filters, c.cursor)}`);
    }
    // The metadata filter as it was: `metadata ->> key = value` in the one newest-first statement.
    console.log('\nmetadata filters as before (->> in one newest-first statement): the plan Postgres picks');
    for (const c of cases.filter((x) => x.filters.meta && !x.cursor && !x.filters.status)) {
      console.log(`  ${c.name.padEnd(32)} ${await planOf(sql, c.filters, c.cursor, false, true)}`);
    }
    console.log(
      slow.length
        ? `\nover the target at p95 (${TARGET_MS} ms; content search ${SEARCH_TARGET_MS} ms): ${slow.join('; ')}`
        : `\nevery case under its target at p95 (${TARGET_MS} ms; content search ${SEARCH_TARGET_MS} ms)`,
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
    const pageCases = cases
      .filter((x) =>
        [
          'first page',
          'page 50 (walked via cursors)',
          'status=failed',
          'q=invoice (1 in 10)',
          'q=zanzibar (content, 1 in 10k)',
          'q=refund (content, common)',
          'q=escalate (content, 1 in 97)',
          'meta.customer (1 in 2,000)',
          'meta.env=prod (4 in 5)',
          'meta.nosuch=x (no run)',
          'tag=rare (1 in 1000)',
        ].includes(x.name),
      )
      .concat([{ name: 'status=failed, older page', filters: { status: 'failed' }, cursor: deepCursor }]);
    for (const c of pageCases) {
      // As src/app/(dashboard)/runs/page.tsx reads: list, facet and metadata keys in parallel, then the
      // first matching event of each listed run when searching.
      const pageReads = async () => {
        const [list] = await Promise.all([
          listRuns(db, MAIN, c.filters, { limit: LIMIT, cursor: c.cursor }),
          listRunModels(db, MAIN),
          recentMetadataKeys(db, MAIN),
        ]);
        if (c.filters.q) {
          await firstContentMatches(
            db,
            MAIN,
            list.data.map((r) => r.id),
            c.filters.q,
          );
        }
      };
      const t = await time(pageReads);
      const raw = await time(() => Promise.all([rawPage(sql, c.filters, c.cursor, c.rare), oldFacet()]));
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
