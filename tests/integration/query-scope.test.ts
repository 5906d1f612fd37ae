/**
 * Every statement the app sends that touches a project's data names project_id: a representative
 * session through the API (runs, events, results, reports, scores, quotas, usage, reservations,
 * annotation queues, evaluators, destinations, retention, audit) and the background passes, on one
 * database whose statements are recorded with the server function that sent them.
 */
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import * as queueItem from '@/app/api/v1/annotation-queues/[id]/items/[itemId]/route';
import * as queueNext from '@/app/api/v1/annotation-queues/[id]/next/route';
import * as queue from '@/app/api/v1/annotation-queues/[id]/route';
import * as queues from '@/app/api/v1/annotation-queues/route';
import * as audit from '@/app/api/v1/audit/route';
import * as destinations from '@/app/api/v1/destinations/route';
import * as evaluations from '@/app/api/v1/evaluators/[id]/evaluations/route';
import * as evaluator from '@/app/api/v1/evaluators/[id]/route';
import * as evaluators from '@/app/api/v1/evaluators/route';
import * as retention from '@/app/api/v1/project/retention/route';
import * as quota from '@/app/api/v1/quotas/[id]/route';
import * as quotas from '@/app/api/v1/quotas/route';
import * as report from '@/app/api/v1/reports/[id]/route';
import * as sections from '@/app/api/v1/reports/[id]/sections/route';
import * as events from '@/app/api/v1/runs/[id]/events/route';
import * as runReports from '@/app/api/v1/runs/[id]/reports/route';
import * as results from '@/app/api/v1/runs/[id]/results/route';
import * as run from '@/app/api/v1/runs/[id]/route';
import * as runs from '@/app/api/v1/runs/route';
import * as scoreConfigs from '@/app/api/v1/score-configs/route';
import * as score from '@/app/api/v1/scores/[id]/route';
import * as scores from '@/app/api/v1/scores/route';
import * as commit from '@/app/api/v1/usage/reservations/[id]/commit/route';
import * as reservations from '@/app/api/v1/usage/reservations/route';
import * as usage from '@/app/api/v1/usage/route';
import * as series from '@/app/api/v1/usage/series/route';
import type { Db } from '@/db/client';
import { pgliteExtensions } from '@/db/pglite-extensions';
import * as schema from '@/db/schema';
import { queryRows } from '@/db/sql';
import { runEvaluationPass } from '@/server/evaluators';
import { defaultWorkerOptions } from '@/server/evaluators/job';
import { ensureCheckpoints, replayStateAt } from '@/features/replay/server';
import { purgeExpired } from '@/server/retention';
import { listRuns } from '@/server/runs';
import { defaultDeliveryOptions, runDeliveryPass } from '@/server/webhooks';
import { Runledger } from '@runledger/sdk';
import { bearer, handlerFetch, useApiHandlers } from '../helpers/api-handler';
import { makeProject } from '../helpers/fixtures';

/** Tables without a project's data (the catalog test's GLOBAL list). */
const GLOBAL = new Set([
  'projects',
  'users',
  'sessions',
  'accounts',
  'verifications',
  'app_settings',
  'sign_in_failures',
  'job_leases',
  'instance_audit_log',
]);

/**
 * Statements that touch project data without naming project_id, by the server function that sends
 * them, with the reason. A new unscoped statement fails the test; one that gets scoped must leave.
 */
const UNSCOPED: Record<string, string> = {
  'lock table only "run_events" in access exclusive mode':
    'retention locks the partitioned table to drop a whole month (no rows read)',
  'lock table only "usage_events" in access exclusive mode':
    'retention locks the partitioned table to drop a whole month (no rows read)',
  'select id, project_id, name, hash, revoked_at is not null as revoked, (last_used_at is nul':
    'API key authentication: the key is found by its hash before its project is known (api_keys is a reference table)',
  'select project_id, count(*)::int as n from ( select "evaluation_jobs".project_id, "evaluat':
    'a background worker finds which projects have due work (a plain read, no lock), then claims per project',
  'select project_id, count(*)::int as n from ( select "alert_deliveries".project_id, "alert_':
    'a background worker finds which projects have due work (a plain read, no lock), then claims per project',
  'select project_id, count(*)::int as n from ( select "alert_events".project_id, "alert_even':
    'a background worker finds which projects have due work (a plain read, no lock), then claims per project',
  'select project_id, count(*)::int as n from ( select "evaluation_inbox".project_id, "evalua':
    'a background worker finds which projects have due work (a plain read, no lock), then claims per project',
};

/**
 * UPDATE and DELETE statements on project data that do not name one project by value
 * (`project_id = $n`), by their first words, with the reason: every other one is a single-shard
 * statement on a database distributed by project.
 */
const MULTI_PROJECT_WRITES: Record<string, string> = {};

type Recorded = { sql: string; at: string };

/** The innermost src/server function on the stack: where the statement was written. */
function caller(): string {
  const lines = (new Error().stack ?? '').split('\n');
  for (const line of lines) {
    const m = /at (?:async )?([\w.<>]+) \(.*\/src\/(server\/[\w/.-]+\.ts)/.exec(line);
    if (m) return `${m[2]}:${m[1]}`;
  }
  return 'outside src/server';
}

/** `project_id = $n`: one project named by value. */
const BY_VALUE = /"?project_id"?\s*=\s*\$\d+/i;

const TABLE = /\b(?:from|join|into|update|table)\s+(?:only\s+)?"?([a-z_][a-z0-9_]*)"?/gi;

function projectTables(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(TABLE)) {
    const name = m[1]!.toLowerCase();
    if (!GLOBAL.has(name) && name in tableNames) names.add(name);
  }
  return [...names].sort();
}

const tableNames: Record<string, true> = {};

/** A statement's first words, a drizzle column list folded (so adding a column keeps the key). */
function statementKey(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/^select ("[a-z_]+", )*"[a-z_]+" from/, 'select … from')
    .slice(0, 90);
}

/**
 * A predicate on project_id (`project_id = …`, `project_id in …`, `(project_id, …) in …`), or an
 * insert that writes it (the statement itself, or its first WITH item): a column merely selected or
 * returned does not count.
 */
function scoped(text: string): boolean {
  const t = text.replace(/\s+/g, ' ');
  if (/"?project_id"?\s*(=|in\b)/i.test(t)) return true;
  if (/\(\s*"?project_id"?\s*,[^)]*\)\s*in\b/i.test(t)) return true;
  if (/^\s*with \w+ as \(\s*insert into "?\w+"?\s*\([^)]*\bproject_id\b/i.test(t)) return true;
  return /^\s*(with .*?\))?\s*insert into "?\w+"?\s*\([^)]*\bproject_id\b/i.test(t);
}

describe('every app statement on project data names project_id [pglite]', () => {
  const recorded: Recorded[] = [];
  let client: PGlite;
  let db: Db;
  let rl: Runledger;
  let projectId: string;

  beforeAll(async () => {
    client = new PGlite({
      loadDataDir: new Blob([readFileSync(inject('pgliteDump'))]),
      extensions: pgliteExtensions,
    });
    db = drizzle(client, {
      schema,
      casing: 'snake_case',
      logger: { logQuery: (query) => recorded.push({ sql: query, at: caller() }) },
    }) as unknown as Db;
    for (const t of await queryRows<{ name: string }>(
      db,
      sql`select relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition`,
    ))
      tableNames[t.name] = true;
    useApiHandlers(() => db, 'pglite');
    const project = await makeProject(db, 'scope');
    projectId = project.id;
    rl = new Runledger({
      baseUrl: 'http://localhost:3000',
      apiKey: (await bearer(db, project.id)).slice('Bearer '.length),
      maxRetries: 0,
      fetch: handlerFetch([
        ['/api/v1/runs', runs],
        ['/api/v1/runs/:id', run],
        ['/api/v1/runs/:id/events', events],
        ['/api/v1/runs/:id/results', results],
        ['/api/v1/runs/:id/reports', runReports],
        ['/api/v1/reports/:id', report],
        ['/api/v1/reports/:id/sections', sections],
        ['/api/v1/scores', scores],
        ['/api/v1/scores/:id', score],
        ['/api/v1/score-configs', scoreConfigs],
        ['/api/v1/quotas', quotas],
        ['/api/v1/quotas/:id', quota],
        ['/api/v1/usage', usage],
        ['/api/v1/usage/series', series],
        ['/api/v1/usage/reservations', reservations],
        ['/api/v1/usage/reservations/:id/commit', commit],
        ['/api/v1/annotation-queues', queues],
        ['/api/v1/annotation-queues/:id', queue],
        ['/api/v1/annotation-queues/:id/next', queueNext],
        ['/api/v1/annotation-queues/:id/items/:itemId', queueItem],
        ['/api/v1/evaluators', evaluators],
        ['/api/v1/evaluators/:id', evaluator],
        ['/api/v1/evaluators/:id/evaluations', evaluations],
        ['/api/v1/destinations', destinations],
        ['/api/v1/project/retention', retention],
        ['/api/v1/audit', audit],
      ]),
    });
  });
  afterAll(async () => {
    await client.close();
  });

  it('a session across the API and the background passes sends no unlisted unscoped statement', async () => {
    const { evaluator: ev } = await rl.call('createEvaluator', {
      body: { name: 'has-text', config: { type: 'contains' }, online: true },
    });
    const created = await rl.createRun({ name: 'scoped', userId: 'u1', model: 'gpt-4o' });
    const appended = [];
    for (let i = 0; i < 3; i++)
      appended.push({ seq: i, type: 'text-delta', payload: { delta: `hello ${i}` } });
    await rl.call('appendEvents', { params: { id: created.id }, body: { events: appended } });
    await rl.call('listEvents', { params: { id: created.id }, query: {} });
    await rl.call('updateRun', { params: { id: created.id }, body: { status: 'succeeded' } });
    await rl.call('getRun', { params: { id: created.id } });
    await rl.call('listRuns', { query: { status: 'succeeded' } });
    await rl.call('addResults', {
      params: { id: created.id },
      body: {
        results: [
          {
            itemId: 'i1',
            input: 'q',
            output: 'x',
            latencyMs: 3,
            startedAt: new Date().toISOString(),
            completedAt: new Date().toISOString(),
          },
        ],
      },
    });
    await rl.call('listResults', { params: { id: created.id }, query: {} });
    const { report: rep } = await rl.call('createReport', {
      params: { id: created.id },
      body: { title: 'r' },
    });
    await rl.call('addSection', { params: { id: rep.id }, body: { heading: 'h', body: 'b' } });
    await rl.call('updateReport', { params: { id: rep.id }, body: { title: 'r2' } });
    await rl.call('listRunReports', { params: { id: created.id } });
    await rl.call('putScoreConfig', { body: { name: 'quality', type: 'numeric', min: 0, max: 1 } });
    const scored = await rl.addScores({ runId: created.id, name: 'quality', value: 0.5 });
    await rl.call('listScores', { query: { runId: created.id } });
    await rl.call('deleteScore', { params: { id: scored.ids[0]! } });
    const { quota: q } = await rl.call('putQuota', {
      body: { subject: 'u1', metric: 'tokens', window: 'day', limit: 1000, mode: 'hard' },
    });
    await rl.call('recordUsage', { body: { subject: 'u1', metric: 'tokens', amount: 10 } });
    await rl.call('getUsage', { query: { subject: 'u1', metric: 'tokens' } });
    await rl.call('usageSeries', { query: { metric: 'tokens' } });
    const { reservation: held } = await rl.call('createReservation', {
      body: { subject: 'u1', metric: 'tokens', amount: 5 },
    });
    await rl.call('commitReservation', { params: { id: held.id }, body: { amount: 4 } });
    await rl.call('listQuotas', {});
    await rl.call('deleteQuota', { params: { id: q.id } });
    const { queue: aq } = await rl.call('createAnnotationQueue', {
      body: { name: 'review', scoreNames: ['quality'], runs: { runIds: [created.id] } },
    });
    await rl.call('getAnnotationQueue', { params: { id: aq.id } });
    const next = await rl.call('nextAnnotationItem', { params: { id: aq.id } });
    expect(next.item).not.toBeNull();
    await rl.call('finishAnnotationItem', {
      params: { id: aq.id, itemId: next.item!.id },
      body: { action: 'complete' },
    });
    await rl.call('updateAnnotationQueue', { params: { id: aq.id }, body: { assignees: [] } });
    await rl.call('listEvaluators', {});
    await rl.call('listDestinations', {});
    await rl.call('putRetention', { body: { runDays: 30, usageDays: 30 } });
    await rl.call('listAudit', { query: {} });
    // The background passes and the dashboard's reads that do not go through the API.
    await runEvaluationPass(db, { ...defaultWorkerOptions, workerId: 'scope', now: () => new Date() });
    await runDeliveryPass(db, { ...defaultDeliveryOptions, workerId: 'scope', now: () => new Date() });
    await rl.call('updateEvaluator', { params: { id: ev.id }, body: { online: false } });
    await rl.call('deleteEvaluator', { params: { id: ev.id } });
    await ensureCheckpoints(db, projectId, created.id);
    await replayStateAt(db, projectId, created.id, 2);
    await listRuns(db, projectId, {}, { limit: 50 });
    const gone = await rl.createRun({ name: 'deleted' });
    await rl.call('deleteRun', { params: { id: gone.id } });
    // Retention a year ahead: the run above has expired.
    await purgeExpired(db, { now: new Date(Date.now() + 400 * 86_400_000) });

    const unscoped = new Map<string, string>();
    for (const r of recorded) {
      const tables = projectTables(r.sql);
      if (tables.length === 0 || scoped(r.sql)) continue;
      const key = statementKey(r.sql);
      if (!unscoped.has(key))
        unscoped.set(key, `${tables.join(',')}: ${r.sql.replace(/\s+/g, ' ').slice(0, 160)}`);
    }
    // A claim (SKIP LOCKED) names one project by value, not merely a join on project_id: a
    // single-shard statement, as Citus refuses FOR UPDATE across shards.
    const locks = recorded.filter((r) => /\bskip locked\b/i.test(r.sql));
    expect(locks.length).toBeGreaterThan(0);
    for (const r of locks) expect(r.sql, r.at).toMatch(BY_VALUE);
    // So does every row lock (FOR UPDATE / NO KEY UPDATE / SHARE / KEY SHARE), SKIP LOCKED or not.
    const rowLocks = recorded.filter((r) => /\bfor (no key )?(update|share|key share)\b/i.test(r.sql));
    expect(rowLocks.length).toBeGreaterThan(0);
    for (const r of rowLocks) expect(r.sql, r.at).toMatch(BY_VALUE);
    // And every UPDATE or DELETE of project data, but those listed (MULTI_PROJECT_WRITES).
    const writes = new Map<string, string>();
    for (const r of recorded) {
      const t = r.sql.replace(/\s+/g, ' ');
      if (!/(^|\(\s*|\bas \(\s*)(update|delete from) "?[a-z_]+/i.test(t)) continue;
      if (projectTables(t).length === 0 || BY_VALUE.test(t)) continue;
      writes.set(statementKey(t), `${r.at}: ${t.slice(0, 160)}`);
    }
    expect([...writes.keys()].sort(), [...writes.entries()].map(([k, v]) => `${k}  ${v}`).join('\n')).toEqual(
      Object.keys(MULTI_PROJECT_WRITES).sort(),
    );
    const found = [...unscoped.keys()].sort();
    expect(found, [...unscoped.entries()].map(([k, v]) => `${k}  ${v}`).join('\n')).toEqual(
      Object.keys(UNSCOPED).sort(),
    );
    // The session did reach every domain.
    const touched = new Set(recorded.flatMap((r) => projectTables(r.sql)));
    for (const t of ['runs', 'run_events', 'run_results', 'reports', 'report_sections', 'scores', 'quotas'])
      expect(touched, t).toContain(t);
  }, 120_000);
});
