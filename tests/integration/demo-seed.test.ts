import { readUIMessageStream, type UIMessage, type UIMessageChunk } from 'ai';
import { and, asc, eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows } from '@/db/sql';
import { runEvents, runs, usageCounters } from '@/db/schema';
import { listItems } from '@/server/datasets';
import { DEMO_RUN_IDS, seedDemo, seedDemoIfEmpty } from '@/server/demo/seed';
import { DEMO_QUOTAS } from '@/server/demo/usage';
import { listRunReports } from '@/server/reports';
import { listResults } from '@/server/runs';
import { describeEachDb } from '../helpers/db';

/** runledger's own event types; everything else is an AI SDK UI message chunk. */
const OWN_TYPES = new Set(['user-message', 'usage', 'report-section', 'status']);

async function replay(chunks: UIMessageChunk[]): Promise<UIMessage | undefined> {
  const stream = new ReadableStream<UIMessageChunk>({
    start(controller) {
      for (const c of chunks) controller.enqueue(c);
      controller.close();
    },
  });
  let last: UIMessage | undefined;
  for await (const message of readUIMessageStream({ stream })) last = message;
  return last;
}

describeEachDb('demo seed', ({ db }) => {
  let projectId = '';

  // How long it takes is measured by `npm run bench -- seed`, not asserted here.
  it('seeds once', async () => {
    const seeded = await seedDemoIfEmpty(db());
    expect(seeded).not.toBeNull();
    projectId = seeded!.projectId;
    expect(seeded!.runs).toBeGreaterThanOrEqual(190);
    expect(await seedDemoIfEmpty(db())).toBeNull();
    expect(await seedDemo(db())).toBeNull();
    const [{ n }] = await queryRows<{ n: number }>(
      db(),
      sql`select count(*)::int as n from runs where project_id = ${projectId}::uuid`,
    );
    expect(n).toBe(seeded!.runs);
  }, 60_000);

  it('has every kind of run with consistent counts', async () => {
    const kinds = await queryRows<{ kind: string; status: string; n: number }>(
      db(),
      sql`select kind, status, count(*)::int as n from runs where project_id = ${projectId}::uuid group by 1, 2`,
    );
    const count = (kind: string, status?: string) =>
      kinds.filter((k) => k.kind === kind && (!status || k.status === status)).reduce((a, k) => a + k.n, 0);
    expect(count('chat')).toBeGreaterThan(150);
    expect(count('chat', 'failed')).toBeGreaterThan(0);
    expect(count('chat', 'running')).toBe(2);
    expect(count('workflow')).toBe(10);
    expect(count('dataset')).toBe(2);

    // event_count / last_seq match the stored events, and tokens match the usage event.
    const mismatched = await queryRows<{ id: string }>(
      db(),
      sql`select r.id from runs r
          left join lateral (select count(*)::int n, max(seq) m from run_events e where e.run_id = r.id) e on true
          left join run_events u on u.run_id = r.id and u.type = 'usage'
          where r.project_id = ${projectId}::uuid
            and (r.event_count <> e.n or r.last_seq is distinct from e.m
              or r.total_tokens <> coalesce((u.payload->>'inputTokens')::int + (u.payload->>'outputTokens')::int, 0)
              or r.created_at > now())`,
    );
    expect(mismatched).toEqual([]);
    const [{ total }] = await queryRows<{ total: number }>(
      db(),
      sql`select count(*)::int as total from run_events e join runs r on r.id = e.run_id where r.project_id = ${projectId}::uuid`,
    );
    expect(total).toBeGreaterThan(5000);
  });

  it('has workflow reports with branches and report-section events', async () => {
    const reports = await listRunReports(db(), projectId, DEMO_RUN_IDS.workflowWithBranches);
    expect(reports).toHaveLength(1);
    expect(reports[0]!.branches!.length).toBeGreaterThanOrEqual(2);
    expect(reports[0]!.sections.length).toBeGreaterThanOrEqual(2);
    expect(reports[0]!.sections.some((s) => s.body.includes('| ---'))).toBe(true);
    const sectionEvents = await db()
      .select()
      .from(runEvents)
      .where(
        and(eq(runEvents.runId, DEMO_RUN_IDS.workflowWithBranches), eq(runEvents.type, 'report-section')),
      );
    const sectionIds = [reports[0]!, ...reports[0]!.branches!].flatMap((r) => r.sections.map((s) => s.id));
    expect(sectionEvents.map((e) => (e.payload as { sectionId: string }).sectionId).sort()).toEqual(
      sectionIds.sort(),
    );
  });

  it('has two dataset runs of 50 results with exact counts', async () => {
    for (const id of [DEMO_RUN_IDS.datasetV1, DEMO_RUN_IDS.datasetV2]) {
      const [run] = await db().select().from(runs).where(eq(runs.id, id));
      expect(run!.kind).toBe('dataset');
      expect(run!.targetType).toBe('agent');
      expect(run!.totalItems).toBe(50);
      const { data } = await listResults(db(), projectId, id, { limit: 200 });
      expect(data).toHaveLength(50);
      const failed = data.filter((r) => r.error !== null).length;
      expect(failed).toBeGreaterThan(0);
      expect([run!.succeededCount, run!.failedCount]).toEqual([50 - failed, failed]);
      expect(data.some((r) => r.retryCount > 0)).toBe(true);
      const { items } = await listItems(db(), projectId, run!.datasetId!, { version: run!.datasetVersion! });
      expect(items.map((i) => i.itemId).sort()).toEqual(data.map((r) => r.itemId).sort());
    }
  });

  it('has the XSS probe with markup in a message, a delta, a tool output and a section', async () => {
    const [run] = await db().select().from(runs).where(eq(runs.id, DEMO_RUN_IDS.xssProbe));
    expect(run!.name).toBe('XSS probe');
    const events = await db().select().from(runEvents).where(eq(runEvents.runId, run!.id));
    const has = (type: string, s: string) =>
      events.some((e) => e.type === type && JSON.stringify(e.payload).includes(s));
    for (const s of ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>']) {
      expect(has('user-message', s)).toBe(true);
      expect(has('tool-output-available', s)).toBe(true);
    }
    expect(has('text-delta', '<script>alert(1)</script>')).toBe(true);
    const [report] = await listRunReports(db(), projectId, run!.id);
    expect(report!.sections[0]!.body).toContain('<img src=x onerror=alert(1)>');
  });

  it('stores chunks that readUIMessageStream rebuilds into the assistant message', async () => {
    const chatRuns = await db()
      .select()
      .from(runs)
      .where(and(eq(runs.projectId, projectId), eq(runs.kind, 'chat'), eq(runs.status, 'succeeded')))
      .orderBy(asc(runs.createdAt))
      .limit(8);
    const ids = [DEMO_RUN_IDS.toolCall, DEMO_RUN_IDS.xssProbe, ...chatRuns.map((r) => r.id)];
    for (const id of ids) {
      const [run] = await db().select().from(runs).where(eq(runs.id, id));
      const events = await db()
        .select()
        .from(runEvents)
        .where(eq(runEvents.runId, id))
        .orderBy(asc(runEvents.seq));
      const chunks = events.filter((e) => !OWN_TYPES.has(e.type)).map((e) => e.payload as UIMessageChunk);
      const message = await replay(chunks);
      expect(message?.role).toBe('assistant');
      const text = message!.parts.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('');
      expect(text).toBe((run!.output as { text: string }).text);
      const tools = (run!.metadata as { tools?: string[] }).tools ?? [];
      for (const tool of tools) {
        const part = message!.parts.find((p) => p.type === `tool-${tool}`) as
          | { state: string; input: unknown }
          | undefined;
        expect(part, `${id} ${tool}`).toBeDefined();
        expect(['output-available', 'output-error']).toContain(part!.state);
        const inputEvent = events.find((e) => e.type === 'tool-input-available')!;
        expect(part!.input).toEqual((inputEvent.payload as { input: unknown }).input);
      }
    }
    const [showcase] = await db().select().from(runs).where(eq(runs.id, DEMO_RUN_IDS.toolCall));
    expect((showcase!.metadata as { tools: string[] }).tools).toEqual(['runSql']);
  });

  it('has usage counters consistent with the ledger and soft quotas crossed today', async () => {
    const diffs = await queryRows<{ subject: string }>(
      db(),
      sql`select c.subject from usage_counters c
          where c.project_id = ${projectId}::uuid
            and c.used <> (select coalesce(sum(amount), 0) from usage_events e
                           where e.project_id = c.project_id and e.subject = c.subject and e.metric = c.metric
                             and e.occurred_at >= c.window_start)`,
    );
    expect(diffs).toEqual([]);
    const day = await db()
      .select()
      .from(usageCounters)
      .where(and(eq(usageCounters.projectId, projectId), eq(usageCounters.window, 'day')));
    const used = (subject: string, metric: string) =>
      day.find((c) => c.subject === subject && c.metric === metric)?.used ?? 0;
    const costLimit = DEMO_QUOTAS.find((q) => q.metric === 'cost_micros')!.limit;
    expect(used('user_01', 'cost_micros')).toBeGreaterThan(costLimit);
    const ratio = used('user_02', 'cost_micros') / costLimit;
    expect(ratio).toBeGreaterThan(0.8);
    expect(ratio).toBeLessThan(1);
    // No seeded subject is over a hard quota.
    expect(used('user_01', 'tokens')).toBeLessThanOrEqual(200_000);
    for (const c of day.filter((c) => c.metric === 'tokens' && c.subject !== 'user_01')) {
      expect(c.used).toBeLessThanOrEqual(50_000);
    }
  });
});
