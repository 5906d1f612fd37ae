/**
 * The work the app does beside every insert into run_events and usage_events, in the insert's own
 * statement (migration 0031 dropped the statement triggers that did it: Citus cannot route them):
 * a ledger insert adds its rows to the rollups usage_daily / usage_hourly (ledgerRollupsSql), an event
 * insert deletes the replay checkpoints its events outdate (checkpointsOutdatedSql). Each insert site in
 * src/ is listed below with the path that reaches it, and each path is run here on a real database.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { DbOrTx } from '@/db/client';
import { queryRows } from '@/db/sql';
import type { DemoRun } from '@/server/demo/stream';
import { writeDemoUsage } from '@/server/demo/usage';
import { insertEvents } from '@/server/demo/write';
import { appendEvents } from '@/server/events';
import { decodeProtobuf, ingestSpans, traceRunId } from '@/server/otel';
import { commitReservation, createReservation, recordUsage } from '@/server/usage';
import { describeEachDb } from '../helpers/db';
import { makeProject, makeRun } from '../helpers/fixtures';
import { genAiAgentTrace, memoryTracer, toProtobuf } from '../helpers/otel';
import { ledgerTotal, rollupMismatches } from '../helpers/usage';

const SRC = path.resolve(__dirname, '../../src');

/**
 * Every statement of src/ that inserts into the two tables, by file (sites counted), with the companion
 * its file must call at least as often, and the test below that runs it. A new insert changes a count
 * and fails here until it does the companion work and is added (with a test of its path).
 */
const SITES: Record<string, { table: 'run_events' | 'usage_events'; count: number; path: string }> = {
  'server/events/events.ts': { table: 'run_events', count: 1, path: 'events API (appendEvents)' },
  'server/otel/ingest-sql.ts': { table: 'run_events', count: 1, path: 'OTLP assembly (ingestSpans)' },
  'server/demo/write.ts': { table: 'run_events', count: 1, path: 'demo seed (insertEvents)' },
  'server/usage/counters.ts': { table: 'usage_events', count: 1, path: 'recordUsage, a late commit' },
  'server/usage/forced-ledger.ts': { table: 'usage_events', count: 1, path: 'usage events, OTLP usage' },
  'server/usage/reservations.ts': { table: 'usage_events', count: 1, path: 'commitReservation' },
  'server/demo/usage.ts': { table: 'usage_events', count: 1, path: 'demo seed (writeDemoUsage)' },
};

const COMPANION = {
  // afterEventsStoredSql places checkpointsOutdatedSql (the shared step of the events API and OTLP).
  run_events: /\b(checkpointsOutdatedSql|afterEventsStoredSql)\(/g,
  usage_events: /\bledgerRollupsSql\(/g,
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return sourceFiles(p);
    return /\.tsx?$/.test(d.name) ? [p] : [];
  });
}

describe('inserts into run_events and usage_events', () => {
  it('are the listed sites, each in a file that calls its companion as often', () => {
    const found: Record<string, { table: string; count: number }> = {};
    for (const file of sourceFiles(SRC)) {
      const text = readFileSync(file, 'utf8');
      const rel = path.relative(SRC, file).split(path.sep).join('/');
      // The query builder cannot add the companion work: raw statements only.
      expect(text, rel).not.toMatch(/\.insert\(\s*(runEvents|usageEvents)\s*\)/);
      for (const table of ['run_events', 'usage_events'] as const) {
        const n = text.match(new RegExp(`insert\\s+into\\s+"?${table}"?[\\s(]`, 'gi'))?.length ?? 0;
        if (n === 0) continue;
        found[rel] = { table, count: n };
        const companions = text.match(COMPANION[table])?.length ?? 0;
        expect(companions, `${rel}: ${n} insert(s) into ${table}`).toBeGreaterThanOrEqual(n);
      }
    }
    expect(found).toEqual(
      Object.fromEntries(Object.entries(SITES).map(([f, s]) => [f, { table: s.table, count: s.count }])),
    );
  });
});

async function putCheckpoint(db: DbOrTx, projectId: string, runId: string, seq: number) {
  await db.execute(sql`insert into run_transcript_checkpoints (project_id, run_id, seq, event_count, keyframe, state)
    values (${projectId}::uuid, ${runId}::uuid, ${seq}, ${seq + 1}, true, '{}'::jsonb)`);
}

async function checkpointSeqs(db: DbOrTx, projectId: string, runId: string) {
  const rows = await queryRows<{ seq: number }>(
    db,
    sql`select seq from run_transcript_checkpoints where project_id = ${projectId}::uuid and run_id = ${runId}::uuid
        order by seq`,
  );
  return rows.map((r) => Number(r.seq));
}

const delta = (seq: number) => ({ seq, type: 'text-delta', payload: { delta: `w${seq} ` } });

async function rollupTotals(db: DbOrTx, projectId: string) {
  const [row] = await queryRows<{ daily: number; hourly: number }>(
    db,
    sql`select (select coalesce(sum(total), 0) from usage_daily where project_id = ${projectId}::uuid)::float8 as daily,
               (select coalesce(sum(total), 0) from usage_hourly where project_id = ${projectId}::uuid)::float8 as hourly`,
  );
  return { daily: Number(row!.daily), hourly: Number(row!.hourly) };
}

describeEachDb('the work beside each insert', ({ db }) => {
  it('every ledger path adds its rows to the daily and hourly rollups, exactly', async () => {
    const p = await makeProject(db());
    const other = await makeProject(db());
    const run = await makeRun(db(), p.id, { userId: 'u1', model: 'gpt-4o-mini' });
    const at = new Date('2026-11-20T10:30:00.000Z');
    // recordUsage (applySql, standalone), with and without a key, twice the same key.
    await recordUsage(db(), p.id, { subject: 'u1', metric: 'tokens', amount: 5 }, { now: at });
    for (let i = 0; i < 2; i++) {
      await recordUsage(
        db(),
        p.id,
        { subject: 'u1', metric: 'tokens', amount: 7, idempotencyKey: 'k' },
        { now: at },
      );
    }
    // A reservation committed in time (reservations.ts) and one committed late (applySql, forced).
    const { reservation: r1 } = await createReservation(
      db(),
      p.id,
      { subject: 'u2', metric: 'tokens', amount: 20 },
      { now: at },
    );
    await commitReservation(db(), p.id, r1.id, { amount: 11 }, { now: at });
    const { reservation: r2 } = await createReservation(
      db(),
      p.id,
      { subject: 'u2', metric: 'tokens', amount: 20, ttlSeconds: 60 },
      { now: at },
    );
    await commitReservation(db(), p.id, r2.id, { amount: 13 }, { now: new Date(at.getTime() + 3_600_000) });
    // Usage events of a run (forced ledger of the events API).
    await appendEvents(db(), p.id, run.id, [
      { seq: 0, type: 'usage', payload: { inputTokens: 100, outputTokens: 20, model: 'gpt-4o-mini' } },
    ]);
    // OTLP spans with usage (forced ledger of the assembly).
    const m = memoryTracer();
    genAiAgentTrace(m.tracer, { userId: 'otel-user', threadId: 't' });
    await ingestSpans(db(), p.id, decodeProtobuf(toProtobuf(m.spans())).spans);
    // The demo's ledger.
    const demoRun = await makeRun(db(), p.id, { userId: 'demo-user', model: 'claude-sonnet-4' });
    const demo: DemoRun[] = [
      {
        row: { ...demoRun, createdAt: new Date(demoRun.createdAt) } as DemoRun['row'],
        events: [],
        usage: { subject: 'demo-user', model: 'claude-sonnet-4', tokens: 300, costUsd: 0.002, at },
      },
    ];
    await writeDemoUsage(db(), p.id, demo, at);
    // Another project's ledger stays out of this one's rollups.
    await recordUsage(db(), other.id, { subject: 'u1', metric: 'tokens', amount: 1000 }, { now: at });

    expect(await rollupMismatches(db(), p.id)).toEqual([]);
    expect(await rollupMismatches(db(), other.id)).toEqual([]);
    const ledger = await ledgerTotal(db(), p.id);
    // 5 + 7 + 11 + 13 + 120 + the OTLP trace's + the demo's 300 tokens, 1 request, 2000 cost micros.
    expect(ledger.total).toBeGreaterThan(5 + 7 + 11 + 13 + 120 + 300 + 1 + 2000);
    expect(await rollupTotals(db(), p.id)).toEqual({ daily: ledger.total, hourly: ledger.total });
  });

  it('every event path deletes the checkpoints at or after the lowest seq it stores, in its run only', async () => {
    const p = await makeProject(db());
    // The events API: a plain append, an append with usage (the transaction's way), a retry with a
    // stored seq (the transaction's way after the plain insert failed).
    for (const batch of [
      [delta(10), delta(11)],
      [delta(10), { seq: 12, type: 'usage', payload: { inputTokens: 1, outputTokens: 1 } }],
      [delta(20), delta(10)],
    ]) {
      const run = await makeRun(db(), p.id, { userId: 'u' });
      const twin = await makeRun(db(), p.id);
      await appendEvents(db(), p.id, run.id, [0, 1, 2, 3, 4, 20, 21, 22].map(delta));
      await appendEvents(db(), p.id, twin.id, [0, 1, 2, 3, 4, 20, 21, 22].map(delta));
      for (const r of [run, twin]) for (const seq of [4, 10, 22]) await putCheckpoint(db(), p.id, r.id, seq);
      const out = await appendEvents(db(), p.id, run.id, batch);
      expect(out.accepted).toBeGreaterThan(0);
      expect(await checkpointSeqs(db(), p.id, run.id)).toEqual([4]);
      expect(await checkpointSeqs(db(), p.id, twin.id)).toEqual([4, 10, 22]);
    }

    // OTLP: a span earlier than the stored ones lays the run's events out again, from seq 0.
    const m = memoryTracer();
    const traceId = genAiAgentTrace(m.tracer, { userId: 'u', threadId: 't' });
    const spans = decodeProtobuf(toProtobuf(m.spans())).spans;
    const byStart = [...spans].sort((a, b) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0));
    await ingestSpans(db(), p.id, byStart.slice(1));
    const otelRun = traceRunId(p.id, traceId);
    await putCheckpoint(db(), p.id, otelRun, 0);
    await putCheckpoint(db(), p.id, otelRun, 1);
    await ingestSpans(db(), p.id, byStart.slice(0, 1));
    expect(await checkpointSeqs(db(), p.id, otelRun)).toEqual([]);

    // The demo's bulk insert.
    const demoRun = await makeRun(db(), p.id);
    await putCheckpoint(db(), p.id, demoRun.id, 3);
    await putCheckpoint(db(), p.id, demoRun.id, 9);
    await insertEvents(
      db(),
      p.id,
      [5, 6].map((seq) => ({ runId: demoRun.id, seq, type: 'text-delta', ts: new Date(), payload: {} })),
    );
    expect(await checkpointSeqs(db(), p.id, demoRun.id)).toEqual([3]);
  });
});
