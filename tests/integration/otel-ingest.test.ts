/** OTLP assembly in the domain, on each database: order-independence, duplicates, other projects. */
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows } from '@/db/sql';
import { TranscriptFolder } from '@/features/replay/lib/transcript';
import { appendEvents, listEvents } from '@/server/events';
import { decodeProtobuf, ingestSpans, type OtelSpan, traceRunId } from '@/server/otel';
import { upsertPrice } from '@/server/prices';
import { getRunById, listRuns } from '@/server/runs';
import { rebuildSearchWords } from '@/server/search';
import { describeEachDb } from '../helpers/db';
import { makeProject, makeRun } from '../helpers/fixtures';
import { genAiAgentTrace, memoryTracer, toProtobuf } from '../helpers/otel';
import { counterMismatches, ledgerTotal } from '../helpers/usage';

function agentSpans(userId: string): { traceId: string; spans: OtelSpan[] } {
  const m = memoryTracer();
  const traceId = genAiAgentTrace(m.tracer, { userId, threadId: `t-${userId}` });
  return { traceId, spans: decodeProtobuf(toProtobuf(m.spans())).spans };
}

describeEachDb('OTLP span assembly', ({ db, driver }) => {
  const snapshot = async (projectId: string, runId: string) => {
    const { createdAt, updatedAt, id, projectId: _, ...run } = (await getRunById(db(), projectId, runId))!;
    const events = (await listEvents(db(), projectId, runId, { limit: 1000 })).data.map((e) => [
      e.seq,
      e.type,
      e.ts.toISOString(),
      e.payload,
    ]);
    return { run, events };
  };

  it('every arrival order and repetition of the spans assembles the same run and ledger', async () => {
    const { traceId, spans } = agentSpans('order-user');
    const byStart = [...spans].sort((a, b) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0));
    const orders = [
      spans.map((s) => [s]),
      [...spans].reverse().map((s) => [s]),
      [spans.slice(2), spans.slice(0, 4), spans],
      // Mostly later spans each time: their events are appended rather than rebuilt.
      byStart.map((s) => [s]),
      [byStart.slice(0, 3), byStart.slice(3), byStart.slice(5)],
    ];
    const results = [];
    for (const batches of orders) {
      const p = await makeProject(db());
      for (const batch of batches) await ingestSpans(db(), p.id, batch);
      results.push(await snapshot(p.id, traceRunId(p.id, traceId)));
      expect(await ledgerTotal(db(), p.id, 'tokens')).toMatchObject({ total: 42 });
    }
    expect(results[0]!.run).toMatchObject({
      status: 'succeeded',
      inputTokens: 30,
      eventCount: results[0]!.events.length,
    });
    for (const r of results.slice(1)) expect(r).toEqual(results[0]);
  });

  it("replays an agent trace as the user's turn, then one answer (the agent's start comes first)", async () => {
    const { traceId, spans } = agentSpans('fold-user');
    const p = await makeProject(db());
    await ingestSpans(db(), p.id, spans);
    const events = (await listEvents(db(), p.id, traceRunId(p.id, traceId), { limit: 1000 })).data;
    expect(events.findIndex((e) => e.type === 'start')).toBeLessThan(
      events.findIndex((e) => e.type === 'user-message'),
    );
    const folder = new TranscriptFolder();
    for (const e of events) folder.apply({ seq: e.seq, type: e.type, payload: e.payload });
    expect(folder.items.map((i) => i.kind)).toEqual(['user', 'assistant']);
  });

  it("stores a tool call's input once, the model call's, whichever of its chat and tool spans arrives first", async () => {
    const { traceId, spans } = agentSpans('tool-input-user');
    const tool = spans.find((s) => s.name.startsWith('execute_tool'))!;
    const chat = spans.find((s) => s.name.startsWith('chat') && s.endNs < tool.startNs)!;
    const rest = spans.filter((s) => s !== tool && s !== chat);
    const inputs = [];
    for (const batches of [[spans], [[tool], [chat], rest], [[chat], [tool], rest], [rest, [tool], [chat]]]) {
      const p = await makeProject(db());
      for (const batch of batches) await ingestSpans(db(), p.id, batch);
      const { events } = await snapshot(p.id, traceRunId(p.id, traceId));
      inputs.push(events.filter((e) => e[1] === 'tool-input-available'));
      expect(events.map((e) => e[0])).toEqual(events.map((_, i) => i));
      const run = await getRunById(db(), p.id, traceRunId(p.id, traceId));
      expect(run?.eventCount).toBe(events.length);
    }
    expect(inputs[0]).toEqual([
      // At the end of the chat span that made the call (09:00:00.120), not at the tool's start.
      [
        expect.any(Number),
        'tool-input-available',
        '2026-11-20T09:00:00.120Z',
        expect.objectContaining({ toolCallId: 'call-1' }),
      ],
    ]);
    for (const other of inputs.slice(1)) expect(other).toEqual(inputs[0]);
    // A tool span whose model call is not traced still shows its input.
    const alone = await makeProject(db());
    await ingestSpans(db(), alone.id, [tool]);
    const { events } = await snapshot(alone.id, traceRunId(alone.id, traceId));
    expect(events.map((e) => e[1])).toEqual(['tool-input-available', 'tool-output-available']);
  });

  it('appends later spans and rebuilds earlier ones to the same events, replacing events added otherwise', async () => {
    const { traceId, spans } = agentSpans('other-events-user');
    const root = spans.find((s) => s.parentSpanId === null)!;
    const steps = spans
      .filter((s) => s.parentSpanId === root.spanId)
      .sort((a, b) => (a.startNs < b.startNs ? -1 : 1));
    const subtree = (step: OtelSpan) => spans.filter((s) => s === step || s.parentSpanId === step.spanId);
    const [first, second] = [subtree(steps[0]!), subtree(steps[1]!)];
    expect(first.length + second.length + 1).toBe(spans.length);
    const reference = await makeProject(db());
    await ingestSpans(db(), reference.id, [...first, ...second]);
    const bothSteps = await snapshot(reference.id, traceRunId(reference.id, traceId));
    await ingestSpans(db(), reference.id, [root]);
    const whole = await snapshot(reference.id, traceRunId(reference.id, traceId));
    // Step 2 after step 1 comes later on the timeline (appended), step 1 after step 2 does not (rebuilt);
    // the root then comes first (rebuilt). An event appended through the events API in between goes.
    for (const [a, b] of [
      [first, second],
      [second, first],
    ]) {
      for (const foreignEvent of [false, true]) {
        const p = await makeProject(db());
        const runId = traceRunId(p.id, traceId);
        await ingestSpans(db(), p.id, a!);
        if (foreignEvent) {
          const { lastSeq } = (await getRunById(db(), p.id, runId))!;
          await appendEvents(db(), p.id, runId, [
            { seq: (lastSeq ?? -1) + 1, type: 'text-delta', payload: { delta: 'x' } },
          ]);
        }
        await ingestSpans(db(), p.id, b!);
        expect(await snapshot(p.id, runId)).toEqual(bothSteps);
        await ingestSpans(db(), p.id, [root]);
        expect(await snapshot(p.id, runId)).toEqual(whole);
      }
    }
  });

  it("assembles a trace into the project's own run, whatever another project's run of that id holds", async () => {
    const mine = await makeProject(db());
    const other = await makeProject(db());
    const { traceId, spans } = agentSpans('my-user');
    const runId = traceRunId(mine.id, traceId);
    await makeRun(db(), other.id, { id: runId, name: 'same id elsewhere' });
    const result = await ingestSpans(db(), mine.id, spans);
    expect(result).toMatchObject({ runs: 1, newSpans: spans.length });
    expect(await getRunById(db(), mine.id, runId)).toMatchObject({ userId: 'my-user' });
    expect(await getRunById(db(), other.id, runId)).toMatchObject({
      name: 'same id elsewhere',
      eventCount: 0,
      userId: null,
    });
  });

  it('concurrent exports sharing traces and users neither fail nor count twice', async () => {
    const p = await makeProject(db());
    const traces = Array.from({ length: 6 }, (_, i) => agentSpans(`conc-user-${i % 2}`));
    // 6 exports at once: each holds halves of two traces, in opposite orders, plus repeats.
    const exports = traces.map((t, i) => {
      const next = traces[(i + 1) % traces.length]!;
      return [...next.spans.slice(3), ...t.spans.slice(0, 3), ...t.spans.slice(3)].reverse();
    });
    await Promise.all([...exports, ...exports.slice(0, 2)].map((spans) => ingestSpans(db(), p.id, spans)));
    for (const t of traces) {
      expect(await getRunById(db(), p.id, traceRunId(p.id, t.traceId))).toMatchObject({
        status: 'succeeded',
        inputTokens: 30,
        outputTokens: 12,
      });
    }
    expect(await ledgerTotal(db(), p.id, 'tokens')).toMatchObject({ total: 6 * 42 });
    expect(await counterMismatches(db(), p.id)).toEqual([]);
  });

  // A second connection holds one run's lock: on Postgres only (PGlite has one connection).
  if (driver === 'postgres') {
    it('stores the free traces at once and waits for a run another export holds, then stores it', async () => {
      const p = await makeProject(db());
      const held = agentSpans('held-user');
      const free = agentSpans('free-user');
      const heldRun = traceRunId(p.id, held.traceId);
      let release!: () => void;
      const released = new Promise<void>((r) => {
        release = r;
      });
      let locked!: () => void;
      const isLocked = new Promise<void>((r) => {
        locked = r;
      });
      const holder = db().transaction(async (tx) => {
        await tx.execute(
          sql`select pg_advisory_xact_lock(hashtextextended(${`otel-run:${p.id}:${heldRun}`}, 0))`,
        );
        locked();
        await released;
      });
      await isLocked;
      let done = false;
      const ingest = ingestSpans(db(), p.id, [...held.spans, ...free.spans]).then((r) => {
        done = true;
        return r;
      });
      await expect
        .poll(async () => (await getRunById(db(), p.id, traceRunId(p.id, free.traceId)))?.status, {
          timeout: 10_000,
        })
        .toBe('succeeded');
      expect(done).toBe(false);
      expect(await getRunById(db(), p.id, heldRun)).toBeNull();
      release();
      await holder;
      expect(await ingest).toMatchObject({
        runs: 2,
        spans: held.spans.length + free.spans.length,
        newSpans: held.spans.length + free.spans.length,
      });
      expect(await getRunById(db(), p.id, heldRun)).toMatchObject({
        status: 'succeeded',
        inputTokens: 30,
        outputTokens: 12,
      });
      expect(await ledgerTotal(db(), p.id, 'tokens')).toMatchObject({ total: 2 * 42 });
    });
  }

  it('makes an OTLP run searchable by its content and prices it like an API run', async () => {
    const p = await makeProject(db());
    await upsertPrice(db(), p.id, {
      model: 'mock-model',
      inputPerMillion: 2,
      outputPerMillion: 10,
      effectiveFrom: '2026-01-01',
    });
    const { traceId, spans } = agentSpans('search-user');
    // Split in two exports, later half first: the run is laid out again when the earlier half comes.
    await ingestSpans(db(), p.id, spans.slice(3));
    await ingestSpans(db(), p.id, spans.slice(0, 3));
    const runId = traceRunId(p.id, traceId);
    for (const q of ['paris', 'getWeather']) {
      const page = await listRuns(db(), p.id, { q }, { limit: 10 });
      expect(page.data.map((r) => r.id)).toEqual([runId]);
    }
    expect((await listRuns(db(), p.id, { q: 'zanzibar' }, { limit: 10 })).data).toEqual([]);
    const run = (await getRunById(db(), p.id, runId))!;
    const expected = (30 * 2 + 12 * 10) / 1_000_000;
    expect(run).toMatchObject({ inputTokens: 30, outputTokens: 12, costSource: 'price' });
    expect(run.costUsd).toBeCloseTo(expected, 12);
    // The ledger counts the same cost, once, as the events API path does.
    expect(await ledgerTotal(db(), p.id, 'cost_micros')).toMatchObject({ total: Math.round(expected * 1e6) });
    // The same spans through the events API price to the same cost.
    const api = await makeRun(db(), p.id, { userId: 'api-user' });
    const usage = (await listEvents(db(), p.id, runId, { limit: 1000 })).data.filter(
      (e) => e.type === 'usage',
    );
    await appendEvents(
      db(),
      p.id,
      api.id,
      usage.map((e, seq) => ({ seq, type: 'usage', ts: e.ts.toISOString(), payload: e.payload as never })),
    );
    expect((await getRunById(db(), p.id, api.id))!.costUsd).toBeCloseTo(run.costUsd, 12);
    expect(await counterMismatches(db(), p.id)).toEqual([]);
    // The words computed in the server (a new run, a run appended to in timeline order) and in SQL (a
    // run laid out again) are the words rebuilt from the stored events.
    const p2 = await makeProject(db());
    const inOrder = agentSpans('words-user');
    await ingestSpans(db(), p2.id, inOrder.spans.slice(0, 3));
    await ingestSpans(db(), p2.id, inOrder.spans.slice(3));
    const ids = [runId, traceRunId(p2.id, inOrder.traceId)];
    const words = () =>
      queryRows<{ id: string; w: string }>(
        db(),
        sql`select id, search::text as w from runs where id in (${sql.raw(ids.map((id) => `'${id}'::uuid`).join(', '))}) order by id`,
      );
    const stored = await words();
    expect(stored).toHaveLength(2);
    expect(stored.every((r) => r.w.includes("'paris'"))).toBe(true);
    await rebuildSearchWords(db(), p.id);
    await rebuildSearchWords(db(), p2.id);
    expect(await words()).toEqual(stored);
  });
  it('a root span re-sent with other content updates the run as the latest root says, its events and ledger unchanged', async () => {
    const { traceId, spans } = agentSpans('resent-root-user');
    const p = await makeProject(db());
    const runId = traceRunId(p.id, traceId);
    await ingestSpans(db(), p.id, spans);
    const before = await snapshot(p.id, runId);
    expect(before.run).toMatchObject({ name: 'weather-agent', status: 'succeeded', error: null });
    const root = spans.find((s) => s.parentSpanId === null)!;
    const failed: OtelSpan = {
      ...root,
      status: { code: 2, message: 'boom' },
      attributes: { ...root.attributes, 'gen_ai.agent.name': 'renamed-agent' },
    };
    const result = await ingestSpans(db(), p.id, [failed]);
    expect(result).toMatchObject({ spans: 1, newSpans: 0 });
    const after = await snapshot(p.id, runId);
    expect(after.run).toMatchObject({
      name: 'renamed-agent',
      status: 'failed',
      error: { message: 'boom' },
      eventCount: before.run.eventCount,
      inputTokens: before.run.inputTokens,
    });
    // The span is stored once: its events are the first copy's, whatever the second one says.
    expect(after.events).toEqual(before.events);
    expect(await ledgerTotal(db(), p.id, 'tokens')).toMatchObject({ total: 42 });
    // The same root again, and the whole trace again: nothing changes.
    await ingestSpans(db(), p.id, [failed]);
    await ingestSpans(
      db(),
      p.id,
      spans.filter((s) => s !== root),
    );
    expect(await snapshot(p.id, runId)).toEqual(after);
  });

  it("a run created through the API under the trace's run id gets the spans' events in place of its own", async () => {
    const { traceId, spans } = agentSpans('api-first-user');
    const reference = await makeProject(db());
    await ingestSpans(db(), reference.id, spans);
    const expected = await snapshot(reference.id, traceRunId(reference.id, traceId));
    const p = await makeProject(db());
    const runId = traceRunId(p.id, traceId);
    await makeRun(db(), p.id, { id: runId, name: 'made first' });
    await appendEvents(db(), p.id, runId, [
      { seq: 0, type: 'text-delta', payload: { delta: 'zanzibar' } },
      { seq: 1, type: 'text-delta', payload: { delta: 'x' } },
    ]);
    await ingestSpans(db(), p.id, spans);
    const got = await snapshot(p.id, runId);
    expect(got.events).toEqual(expected.events);
    expect(got.run).toMatchObject({
      name: 'weather-agent',
      status: 'succeeded',
      eventCount: expected.events.length,
      inputTokens: 30,
      outputTokens: 12,
    });
    expect((await listRuns(db(), p.id, { q: 'zanzibar' }, { limit: 10 })).data).toEqual([]);
    expect((await listRuns(db(), p.id, { q: 'paris' }, { limit: 10 })).data.map((r) => r.id)).toEqual([
      runId,
    ]);
  });
});
