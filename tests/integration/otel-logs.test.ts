/** OTLP log records in the domain, on each database: correlation, waiting for the run, evaluations. */
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows } from '@/db/sql';
import { listEvents } from '@/server/events';
import {
  decodeLogsJson,
  decodeLogsProtobuf,
  decodeProtobuf,
  ingestLogRecords,
  ingestSpans,
  type OtelLogRecord,
  type OtelSpan,
  traceRunId,
} from '@/server/otel';
import { purgeExpired, putRetention } from '@/server/retention';
import { getRunById, listRuns } from '@/server/runs';
import { putScoreConfig } from '@/server/scores';
import { describeEachDb } from '../helpers/db';
import { makeProject } from '../helpers/fixtures';
import {
  genAiAgentTrace,
  logInSpan,
  logsToJson,
  logsToProtobuf,
  memoryLogger,
  memoryTracer,
  toProtobuf,
} from '../helpers/otel';

const T0 = Date.UTC(2026, 10, 20, 9, 0, 0);

/** The GenAI agent trace (tests/helpers/otel.ts), its second chat span answering with response `resp-2`. */
function agentTrace(userId: string) {
  const m = memoryTracer();
  const traceId = genAiAgentTrace(m.tracer, { userId, threadId: `t-${userId}` });
  const spans = decodeProtobuf(toProtobuf(m.spans())).spans;
  const chats = spans
    .filter((s) => s.name.startsWith('chat'))
    .sort((a, b) => (a.startNs < b.startNs ? -1 : 1));
  const tool = spans.find((s) => s.name.startsWith('execute_tool'))!;
  chats[1]!.attributes['gen_ai.response.id'] = 'resp-2';
  return { traceId, spans, chats, tool };
}

/**
 * A warning logged in the tool span, an evaluation of the first chat span (by span), one of the
 * second (by `gen_ai.response.id` only, no trace), and a record correlated to nothing.
 */
async function records(
  t: ReturnType<typeof agentTrace>,
  encode: 'json' | 'protobuf',
): Promise<OtelLogRecord[]> {
  const { logger, records: finished } = memoryLogger();
  logInSpan(
    logger,
    { traceId: t.traceId, spanId: t.tool.spanId },
    {
      time: T0 + 150,
      body: 'weather service slow',
      severityText: 'WARN',
      attributes: { 'mastra.log.city': 'Paris' },
    },
  );
  logInSpan(
    logger,
    { traceId: t.traceId, spanId: t.chats[0]!.spanId },
    {
      time: T0 + 400,
      eventName: 'gen_ai.evaluation.result',
      attributes: {
        'gen_ai.evaluation.name': 'relevance',
        'gen_ai.evaluation.score.value': 0.25,
        'gen_ai.evaluation.score.label': 'not_relevant',
        'gen_ai.evaluation.explanation': 'Asked for a tool instead of answering.',
      },
    },
  );
  logger.emit({
    timestamp: T0 + 500,
    eventName: 'gen_ai.evaluation.result',
    attributes: {
      'gen_ai.evaluation.name': 'correctness',
      'gen_ai.evaluation.score.label': 'pass',
      'gen_ai.response.id': 'resp-2',
    },
  });
  logger.emit({ timestamp: T0 + 600, body: 'service started', severityText: 'INFO' });
  const emitted = await finished();
  const decoded =
    encode === 'json' ? decodeLogsJson(logsToJson(emitted)) : decodeLogsProtobuf(logsToProtobuf(emitted));
  expect(decoded.rejected).toBe(0);
  return decoded.records;
}

describeEachDb('OTLP log records', ({ db }) => {
  const eventsOf = async (projectId: string, runId: string) =>
    (await listEvents(db(), projectId, runId, { limit: 1000 })).data.map((e) => ({
      seq: e.seq,
      type: e.type,
      ts: e.ts.toISOString(),
      payload: e.payload,
    }));
  const stored = (projectId: string) =>
    queryRows<{ source: string; run_id: string | null; span_id: string | null; evaluation: unknown }>(
      db(),
      sql`select source, run_id::text as run_id, span_id, evaluation from otel_log_records
        where project_id = ${projectId}::uuid order by time_ns`,
    );

  const scoresOf = (projectId: string, runId: string) =>
    queryRows<{
      name: string;
      data_type: string;
      value: number | null;
      label: string | null;
      comment: string | null;
    }>(
      db(),
      sql`select name, data_type, value, label, comment from scores
        where project_id = ${projectId}::uuid and run_id = ${runId}::uuid and source = 'api' and author_id = 'otlp'
          and result_id is null
        order by name`,
    );
  const seqsOf = async (projectId: string, runId: string) =>
    Object.fromEntries(
      (
        await queryRows<{ name: string; seq: number | null }>(
          db(),
          sql`select name, seq from scores where project_id = ${projectId}::uuid and run_id = ${runId}::uuid
            and author_id = 'otlp' order by name`,
        )
      ).map((r) => [r.name, r.seq]),
    );
  /** The seq at which each chat span's step finishes (its `finish-step`), in the chats' order. */
  const finishSeqs = async (projectId: string, runId: string) =>
    (await eventsOf(projectId, runId)).filter((e) => e.type === 'finish-step').map((e) => e.seq);

  it('a record waits for its run, then reads as an event of it wherever it arrived, stored once', async () => {
    const results = [];
    // One trace, sent into a project per order.
    const t = agentTrace('logs-user');
    for (const [order, encode] of [
      ['logs first', 'json'],
      ['spans first', 'protobuf'],
      ['logs between', 'json'],
    ] as const) {
      const p = await makeProject(db());
      const runId = traceRunId(p.id, t.traceId);
      const logs = await records(t, encode);
      if (order === 'logs first') {
        expect(await ingestLogRecords(db(), p.id, logs)).toEqual({
          newRecords: 3,
          attached: 0,
          uncorrelated: 1,
        });
        // Kept, but no run appears before its spans.
        expect(await getRunById(db(), p.id, runId)).toBeNull();
        expect((await listRuns(db(), p.id, {}, { limit: 10 })).data).toEqual([]);
        expect((await stored(p.id)).map((r) => r.run_id)).toEqual([null, null, null]);
        await ingestSpans(db(), p.id, t.spans);
      } else if (order === 'spans first') {
        await ingestSpans(db(), p.id, t.spans);
        expect(await ingestLogRecords(db(), p.id, logs)).toEqual({
          newRecords: 3,
          attached: 3,
          uncorrelated: 1,
        });
      } else {
        // The first chat span (no response id yet), the logs, then the rest.
        const first = t.spans.filter((s) => s === t.chats[0]);
        await ingestSpans(db(), p.id, first);
        expect(await ingestLogRecords(db(), p.id, logs)).toMatchObject({ newRecords: 3, attached: 2 });
        await ingestSpans(db(), p.id, t.spans);
      }
      // Sent again: nothing new.
      expect(await ingestLogRecords(db(), p.id, logs)).toMatchObject({ newRecords: 0, attached: 0 });
      const rows = await stored(p.id);
      expect(rows.map((r) => [r.source, r.run_id, r.span_id])).toEqual([
        ['log', runId, t.tool.spanId],
        ['log', runId, t.chats[0]!.spanId],
        // Found by its response id: attached next to the span that answered it.
        ['log', runId, t.chats[1]!.spanId],
      ]);
      expect(rows.map((r) => r.evaluation)).toEqual([
        null,
        {
          name: 'relevance',
          scoreValue: 0.25,
          scoreLabel: 'not_relevant',
          explanation: 'Asked for a tool instead of answering.',
        },
        { name: 'correctness', scoreLabel: 'pass', responseId: 'resp-2' },
      ]);
      results.push(await eventsOf(p.id, runId));
      // Each evaluation scores the step of the span it names (by span id, or by the span that answered
      // its response id), wherever the run's later spans moved that step.
      const [first, second] = await finishSeqs(p.id, runId);
      expect(await seqsOf(p.id, runId)).toEqual({ relevance: first, correctness: second });
      // Each evaluation is a score of the run, once, whichever came first.
      expect(await scoresOf(p.id, runId)).toEqual([
        { name: 'correctness', data_type: 'categorical', value: null, label: 'pass', comment: null },
        {
          name: 'relevance',
          data_type: 'numeric',
          value: 0.25,
          label: null,
          comment: 'not_relevant: Asked for a tool instead of answering.',
        },
      ]);
    }
    const events = results[0]!;
    for (const other of results.slice(1)) expect(other).toEqual(events);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
    expect(events.map((e) => e.ts)).toEqual([...events.map((e) => e.ts)].sort());
    const log = events.find((e) => e.type === 'log')!;
    expect(log.payload).toMatchObject({ text: 'weather service slow', severity: 'WARN' });
    // In its place on the timeline: after the tool's input, before its output.
    const types = events.map((e) => e.type);
    expect(types.indexOf('tool-input-available')).toBeLessThan(log.seq);
    expect(log.seq).toBeLessThan(types.indexOf('tool-output-available'));
    expect(events.filter((e) => e.type === 'evaluation').map((e) => e.payload)).toEqual([
      expect.objectContaining({ text: 'relevance: 0.25 not_relevant', name: 'relevance', scoreValue: 0.25 }),
      expect.objectContaining({
        text: 'correctness: pass',
        responseId: 'resp-2',
        spanId: t.chats[1]!.spanId,
      }),
    ]);
  });

  it('keeps an evaluation sent as a span event, as an evaluation of the run and an event', async () => {
    const p = await makeProject(db());
    const t = agentTrace('span-event-user');
    const chat = t.chats[1] as OtelSpan;
    chat.events.push({
      name: 'gen_ai.evaluation.result',
      timeNs: chat.endNs,
      attributes: { 'gen_ai.evaluation.name': 'helpfulness', 'gen_ai.evaluation.score.value': 4 },
    });
    await ingestSpans(db(), p.id, t.spans);
    await ingestSpans(db(), p.id, t.spans);
    const runId = traceRunId(p.id, t.traceId);
    expect(await stored(p.id)).toEqual([
      {
        source: 'span-event',
        run_id: runId,
        span_id: chat.spanId,
        evaluation: { name: 'helpfulness', scoreValue: 4 },
      },
    ]);
    const evaluations = (await eventsOf(p.id, runId)).filter((e) => e.type === 'evaluation');
    expect(evaluations.map((e) => e.payload)).toEqual([
      { text: 'helpfulness: 4', name: 'helpfulness', scoreValue: 4, spanId: chat.spanId },
    ]);
    expect(await scoresOf(p.id, runId)).toEqual([
      { name: 'helpfulness', data_type: 'numeric', value: 4, label: null, comment: null },
    ]);
    expect(await seqsOf(p.id, runId)).toEqual({ helpfulness: (await finishSeqs(p.id, runId))[1] });
  });

  it('scores evaluations by the configs of their names; one that fits none stays an event only', async () => {
    const p = await makeProject(db());
    await putScoreConfig(
      db(),
      p.id,
      { name: 'correctness', type: 'categorical', categories: ['pass', 'fail'] },
      null,
    );
    await putScoreConfig(db(), p.id, { name: 'relevance', type: 'numeric', min: 0.5, max: 1 }, null);
    await putScoreConfig(db(), p.id, { name: 'grounded', type: 'boolean' }, null);
    const t = agentTrace('configs-user');
    await ingestSpans(db(), p.id, t.spans);
    const runId = traceRunId(p.id, t.traceId);
    const logs = await records(t, 'protobuf');
    const { logger, records: finished } = memoryLogger();
    const evaluations: Record<string, string | number>[] = [
      { 'gen_ai.evaluation.name': 'grounded', 'gen_ai.evaluation.score.value': 1 },
      { 'gen_ai.evaluation.name': 'grounded', 'gen_ai.evaluation.score.value': 0.5 },
      { 'gen_ai.evaluation.name': 'toxicity', 'error.type': 'timeout' },
    ];
    for (const [i, attributes] of evaluations.entries())
      logInSpan(
        logger,
        { traceId: t.traceId, spanId: t.chats[0]!.spanId },
        { time: T0 + 700 + i, eventName: 'gen_ai.evaluation.result', attributes },
      );
    const more = decodeLogsJson(logsToJson(await finished())).records;
    expect(await ingestLogRecords(db(), p.id, [...logs, ...more])).toMatchObject({ attached: 6 });
    // relevance 0.25 is under its config's minimum; grounded 0.5 is no boolean; toxicity failed.
    expect((await scoresOf(p.id, runId)).map((s) => [s.name, s.data_type, s.value, s.label])).toEqual([
      ['correctness', 'categorical', null, 'pass'],
      ['grounded', 'boolean', 1, null],
    ]);
    expect((await eventsOf(p.id, runId)).filter((e) => e.type === 'evaluation')).toHaveLength(5);
  });

  it('retention removes the records and response ids of expired runs, and records that waited too long', async () => {
    const p = await makeProject(db());
    await putRetention(db(), p.id, { runDays: 30, usageDays: 400 });
    const t = agentTrace('retention-user');
    await ingestSpans(db(), p.id, t.spans);
    const lost = agentTrace('never-arrives');
    await ingestLogRecords(db(), p.id, [...(await records(t, 'json')), ...(await records(lost, 'json'))]);
    const rows = async () =>
      Promise.all([
        queryRows<{ n: number }>(
          db(),
          sql`select count(*)::int as n from otel_log_records where project_id = ${p.id}::uuid`,
        ),
        queryRows<{ n: number }>(
          db(),
          sql`select count(*)::int as n from otel_response_ids where project_id = ${p.id}::uuid`,
        ),
      ]).then(([a, b]) => [a[0]!.n, b[0]!.n]);
    // Three attached, two waiting (the other trace's, by trace id); one response id.
    expect(await rows()).toEqual([5, 1]);
    const day = 86_400_000;
    await purgeExpired(db(), { now: new Date(Date.now() + 29 * day), projectId: p.id });
    expect(await rows()).toEqual([5, 1]);
    await purgeExpired(db(), { now: new Date(Date.now() + 31 * day), projectId: p.id, batchSize: 2 });
    expect(await rows()).toEqual([0, 0]);
  });
});
