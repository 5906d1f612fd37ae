/**
 * Scores benchmark: the run history filtered and sorted by a score (the real domain functions) beside
 * the same queries written by hand with postgres.js, and scores ingest (insertScores, batches of 1,000)
 * against a raw multi-row INSERT of the same rows. 1,000,000 runs with 3,000,000 run-level scores
 * (quality: a number, correct: yes/no, tone: a label) by default, plus 1% of runs `reviewed`.
 *
 *   npm run bench -- scores
 *   BENCH_SCORES_RUNS=200000 npm run bench -- scores        (smaller)
 *   BENCH_SCORES_KEEP=1 …, then BENCH_SCORES_DB=<name> …     (fill once, measure again)
 *
 * Uses BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres): creates a fresh
 * database, migrates it, fills it with set-based SQL, drops it at the end.
 */
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import postgres from 'postgres';
import { connectPostgres } from '@/db/client';
import { runMigrations } from '@/db/migrate';
import { type ScoreCondition, scoreConditionsFrom } from '@/lib/score-filters';
import { listRuns } from '@/server/runs';
import { insertScores, listRunsByScore } from '@/server/scores';
import { adminUrl, withDatabase } from '../scripts/lib/pg-url';
import { pct } from './lib/stats';

const RUNS = Number(process.env.BENCH_SCORES_RUNS ?? 1_000_000);
const KEEP = process.env.BENCH_SCORES_KEEP === '1';
const REUSE = process.env.BENCH_SCORES_DB;
const INGEST = Number(process.env.BENCH_SCORES_INGEST ?? 50_000);
const REPEAT = 20;
const LIMIT = 50;
const FILTER_TARGET_MS = 100;
const SORT_TARGET_MS = 150;
const MAIN = '00000000-0000-4000-8000-0000000000a1';

type Sql = postgres.Sql;

async function time(fn: () => Promise<unknown>): Promise<number[]> {
  await fn();
  const out: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

const runId = (g: string) => `('00000000-0000-4000-8000-' || lpad(to_hex(${g}), 12, '0'))::uuid`;

async function fill(sql: Sql) {
  const t0 = performance.now();
  await sql`insert into projects (id, slug, name) values (${MAIN}, 'bench-scores', 'Bench scores')`;
  await sql.begin(async (tx) => {
    await tx`set local session_replication_role = replica`;
    await tx.unsafe(`
      insert into runs (id, project_id, kind, name, status, user_id, model, created_at, updated_at, started_at, ended_at)
      select ${runId('g')}, '${MAIN}'::uuid, 'chat', 'Run #' || g,
        (case when g % 13 = 0 then 'failed' else 'succeeded' end)::run_status,
        'user_' || (g % 5000), (array['gpt-4o-mini','claude-sonnet-4','gpt-4.1'])[1 + g % 3],
        t.at, t.at, t.at, t.at + interval '3 seconds'
      from generate_series(1, ${RUNS}) g
      cross join lateral (select now() - ((g::bigint * 2654435761) % 7776000000) * interval '1 millisecond' as at) t`);
  });
  const t1 = performance.now();
  // Three run-level scores per run (and `reviewed` on 1%), by the evaluators and API keys that wrote them.
  await sql.begin(async (tx) => {
    await tx`set local session_replication_role = replica`;
    await tx.unsafe(`
      insert into scores (project_id, run_id, name, data_type, value, label, source, author_id, created_at, updated_at)
      select '${MAIN}'::uuid, ${runId('g')}, s.name, s.t::score_type, s.v, s.l, s.src::score_source, s.author, r.created_at, r.created_at
      from generate_series(1, ${RUNS}) g
      join runs r on r.id = ${runId('g')}
      cross join lateral (values
        ('quality', 'numeric', ((g::bigint * 2246822519) % 100000) / 100000.0, null::text, 'evaluator', 'judge-1'),
        ('correct', 'boolean', (g % 3 <> 0)::int::float8, null, 'evaluator', 'exact-match'),
        ('tone', 'categorical', null::float8, (array['good','ok','rude'])[1 + (g * 7) % 3 ], 'api', 'key-1')
      ) as s(name, t, v, l, src, author)`);
    await tx.unsafe(`
      insert into scores (project_id, run_id, name, data_type, value, source, author_id)
      select '${MAIN}'::uuid, ${runId('g')}, 'reviewed', 'boolean', 1, 'annotation', 'user-1'
      from generate_series(1, ${RUNS}, 100) g`);
  });
  await sql`vacuum analyze runs`;
  await sql`vacuum analyze scores`;
  const [c] = await sql<{ runs: number; scores: number; names: number; days: number }[]>`
    select (select count(*) from runs)::int as runs, (select count(*) from scores)::int as scores,
      (select count(distinct name) from scores)::int as names,
      (select count(distinct date_trunc('day', created_at)) from scores)::int as days`;
  console.log(
    `filled ${c!.runs.toLocaleString()} runs in ${((t1 - t0) / 1000).toFixed(1)} s and ${c!.scores.toLocaleString()} scores (${c!.names} names over ${c!.days} days) in ${((performance.now() - t1) / 1000).toFixed(1)} s`,
  );
}

const own = `s.project_id = r.project_id and s.run_id = r.id and s.seq is null and s.result_id is null`;

/** The history filtered by scores, by hand: newest first, the exists() per condition. */
function handFilter(sql: Sql, where: string) {
  return sql.unsafe(
    `select r.* from runs r where r.project_id = $1 and ${where}
     order by r.created_at desc nulls last, r.id desc nulls last limit ${LIMIT + 1}`,
    [MAIN],
  );
}

function report(label: string, ours: number[], hand: number[], target: number) {
  const [p50, p95] = [pct(ours, 50), pct(ours, 95)];
  const [h50, h95] = [pct(hand, 50), pct(hand, 95)];
  console.log(
    `${label.padEnd(44)} p50 ${p50.toFixed(1).padStart(7)} ms  p95 ${p95.toFixed(1).padStart(7)} ms  | hand-written p50 ${h50.toFixed(1).padStart(7)} ms p95 ${h95.toFixed(1).padStart(7)} ms  ratio p95 ${(p95 / h95).toFixed(2)}  ${p95 < target ? 'OK' : `OVER ${target} ms`}`,
  );
}

async function queries(sql: Sql, db: ReturnType<typeof connectPostgres>['db']) {
  const filters: [string, ScoreCondition[], string][] = [
    [
      'quality >= 0.5 (half the runs)',
      scoreConditionsFrom('quality >= 0.5'),
      `exists (select 1 from scores s where ${own} and s.name = 'quality' and s.value >= 0.5)`,
    ],
    [
      'quality >= 0.999 (0.1%)',
      scoreConditionsFrom('quality >= 0.999'),
      `exists (select 1 from scores s where ${own} and s.name = 'quality' and s.value >= 0.999)`,
    ],
    [
      'tone = rude (a third)',
      scoreConditionsFrom('tone = rude'),
      `exists (select 1 from scores s where ${own} and s.name = 'tone' and s.label = 'rude')`,
    ],
    [
      'has no score reviewed (99%)',
      scoreConditionsFrom('!reviewed'),
      `not exists (select 1 from scores s where ${own} and s.name = 'reviewed')`,
    ],
    [
      'reviewed = true and quality < 0.1',
      scoreConditionsFrom(['reviewed = true', 'quality < 0.1']),
      `exists (select 1 from scores s where ${own} and s.name = 'reviewed' and s.value = 1) and exists (select 1 from scores s where ${own} and s.name = 'quality' and s.value < 0.1)`,
    ],
  ];
  for (const [label, conditions, where] of filters) {
    const ours = await time(() => listRuns(db, MAIN, { scores: conditions }, { limit: LIMIT }));
    const hand = await time(() => handFilter(sql, where));
    report(`filter ${label}`, ours, hand, FILTER_TARGET_MS);
  }
  // Sorted by a score: the first page, and page 20 (a cursor).
  let cursor: string | undefined;
  for (let i = 0; i < 19; i++)
    cursor = (await listRunsByScore(db, MAIN, {}, { name: 'quality', dir: 'desc' }, { limit: LIMIT, cursor }))
      .nextCursor!;
  const [key] = (
    await listRunsByScore(db, MAIN, {}, { name: 'quality', dir: 'desc' }, { limit: LIMIT, cursor })
  ).data;
  const handSort = (after?: { value: number; id: string }) =>
    sql.unsafe(
      `select r.*, s.value from scores s join runs r on r.id = s.run_id
       where s.project_id = $1 and s.name = 'quality' and s.seq is null and s.result_id is null and s.value is not null
         ${after ? `and (s.value, s.run_id) < (${after.value}, '${after.id}'::uuid)` : ''}
       order by s.value desc, s.run_id desc limit ${LIMIT + 1}`,
      [MAIN],
    );
  for (const dir of ['desc', 'asc'] as const) {
    const ours = await time(() => listRunsByScore(db, MAIN, {}, { name: 'quality', dir }, { limit: LIMIT }));
    const hand = await time(() => handSort());
    report(`sort by quality ${dir}, first page`, ours, hand, SORT_TARGET_MS);
  }
  const ours = await time(() =>
    listRunsByScore(db, MAIN, {}, { name: 'quality', dir: 'desc' }, { limit: LIMIT, cursor }),
  );
  const hand = await time(() => handSort({ value: key!.sortValue, id: key!.id }));
  report('sort by quality desc, page 20', ours, hand, SORT_TARGET_MS);
  const withFilter = await time(() =>
    listRunsByScore(
      db,
      MAIN,
      { scores: scoreConditionsFrom('tone = rude'), status: 'failed' },
      { name: 'quality', dir: 'desc' },
      { limit: LIMIT },
    ),
  );
  const handWithFilter = await time(() =>
    sql.unsafe(
      `select r.*, s.value from scores s join runs r on r.id = s.run_id
       where s.project_id = $1 and s.name = 'quality' and s.seq is null and s.result_id is null and s.value is not null
         and r.status = 'failed' and exists (select 1 from scores t where t.project_id = r.project_id and t.run_id = r.id
           and t.seq is null and t.result_id is null and t.name = 'tone' and t.label = 'rude')
       order by s.value desc, s.run_id desc limit ${LIMIT + 1}`,
      [MAIN],
    ),
  );
  report('sort by quality, failed runs with tone = rude', withFilter, handWithFilter, SORT_TARGET_MS);
}

/** Scores written through insertScores (batches of 1,000) against the same rows in one raw INSERT each. */
async function ingest(sql: Sql, db: ReturnType<typeof connectPostgres>['db']) {
  const batches = Math.ceil(INGEST / 1000);
  const rows = (b: number) =>
    Array.from({ length: 1000 }, (_, i) => {
      const n = ((b * 1000 + i) % RUNS) + 1;
      return {
        id: randomUUID(),
        runId: `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`,
        name: `ingest-${b % 5}`,
        value: i / 1000,
      };
    });
  // Interleaved batch by batch, so both see the same load.
  let oursMs = 0;
  let rawMs = 0;
  for (let b = 0; b < batches; b++) {
    const batch = rows(b);
    let t0 = performance.now();
    await insertScores(db, MAIN, { source: 'api', authorId: 'key-2' }, batch, null);
    oursMs += performance.now() - t0;
    const list = rows(b).map((r) => ({
      id: r.id,
      project_id: MAIN,
      run_id: r.runId,
      name: `raw-${r.name}`,
      data_type: 'numeric',
      value: r.value,
      source: 'api',
      author_id: 'key-3',
    }));
    t0 = performance.now();
    await sql`insert into scores ${sql(list)}`;
    rawMs += performance.now() - t0;
  }
  const ours = (batches * 1000) / (oursMs / 1000);
  const raw = (batches * 1000) / (rawMs / 1000);
  console.log(
    `ingest ${(batches * 1000).toLocaleString()} scores in batches of 1,000: insertScores ${Math.round(ours).toLocaleString()}/s, raw INSERT ${Math.round(raw).toLocaleString()}/s, ratio ${(ours / raw).toFixed(2)} ${ours / raw >= 0.6 ? 'OK' : 'UNDER 0.60'}`,
  );
}

export async function main() {
  const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = REUSE ?? `runledger_bench_scores_${Date.now().toString(36)}`;
  const admin = postgres(adminUrl(serverUrl), { max: 1, onnotice: () => {} });
  if (!REUSE) await admin.unsafe(`create database "${name}"`);
  const url = withDatabase(serverUrl, name);
  const conn = connectPostgres(url, 4);
  const sql = postgres(url, { max: 2, onnotice: () => {} });
  try {
    await runMigrations(conn);
    if (!REUSE) await fill(sql);
    const load = loadavg().map((x) => x.toFixed(2));
    console.log(`load average: ${load.join(', ')} (${cpus().length} cores)`);
    await queries(sql, conn.db);
    await ingest(sql, conn.db);
  } finally {
    await sql.end();
    await conn.close();
    if (KEEP || REUSE) console.log(`kept database ${name} (BENCH_SCORES_DB=${name} reuses it)`);
    else await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
