/** OTLP assembly in the domain, on each database: order-independence, duplicates, other projects. */
import { expect, it } from 'vitest';
import { appendEvents, listEvents } from '@/server/events';
import { decodeProtobuf, ingestSpans, type OtelSpan, traceRunId } from '@/server/otel';
import { getRunById } from '@/server/runs';
import { describeEachDb } from '../helpers/db';
import { makeProject, makeRun } from '../helpers/fixtures';
import { genAiAgentTrace, memoryTracer, toProtobuf } from '../helpers/otel';
import { counterMismatches, ledgerTotal } from '../helpers/usage';

function agentSpans(userId: string): { traceId: string; spans: OtelSpan[] } {
  const m = memoryTracer();
  const traceId = genAiAgentTrace(m.tracer, { userId, threadId: `t-${userId}` });
  return { traceId, spans: decodeProtobuf(toProtobuf(m.spans())).spans };
}

describeEachDb('OTLP span assembly', ({ db }) => {
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

  it('refuses a trace whose run id is held by a run of another project', async () => {
    const victim = await makeProject(db());
    const attacker = await makeProject(db());
    const { traceId, spans } = agentSpans('victim-user');
    await makeRun(db(), attacker.id, { id: traceRunId(victim.id, traceId), name: 'squatted' });
    const result = await ingestSpans(db(), victim.id, spans);
    expect(result).toMatchObject({ refused: spans.length, newSpans: 0 });
    const squatted = await getRunById(db(), attacker.id, traceRunId(victim.id, traceId));
    expect(squatted).toMatchObject({ name: 'squatted', eventCount: 0, userId: null });
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
});
