import 'server-only';
import type { Db } from '@/db/client';
import type { EventInput } from '@/lib/contract';
import { appendEvents } from '../events';
import { ensureProject } from '../projects';
import { addSection, createReport } from '../reports';
import { addResults, createRun, getRunById } from '../runs';
import { DEMO_SLUG } from './seed';

/**
 * A few deterministic runs the dashboard's end-to-end tests rely on, whatever the demo seed contains:
 * a chat run with streamed text, reasoning, a tool call, an idle gap and a report with a branch report;
 * an "XSS probe" whose payloads carry markup; a dataset run with passed and failed items.
 * Seeded only when RUNLEDGER_DASHBOARD_FIXTURES=1 (the Playwright config sets it). Idempotent.
 */
export const FIXTURE_IDS = {
  chat: '00000000-0000-4000-8000-00000000da01',
  xss: '00000000-0000-4000-8000-00000000da02',
  dataset: '00000000-0000-4000-8000-00000000da03',
  long: '00000000-0000-4000-8000-00000000da04',
  report: '00000000-0000-4000-8000-00000000da11',
  branch: '00000000-0000-4000-8000-00000000da12',
  xssReport: '00000000-0000-4000-8000-00000000da13',
};

const XSS = '<script>alert(1)</script> <img src=x onerror=alert(1)>';

function clock(start: number) {
  let t = start;
  return (stepMs: number) => {
    t += stepMs;
    return new Date(t).toISOString();
  };
}

/** Splits a text into streamed text-delta chunks of a few words. */
function deltas(id: string, text: string): { type: string; payload: Record<string, unknown> }[] {
  const words = text.split(/(?<= )/);
  const out: { type: string; payload: Record<string, unknown> }[] = [];
  for (let i = 0; i < words.length; i += 2) {
    out.push({
      type: 'text-delta',
      payload: { type: 'text-delta', id, delta: words.slice(i, i + 2).join('') },
    });
  }
  return out;
}

function toEvents(
  list: { type: string; payload: Record<string, unknown>; gap?: number }[],
  start: number,
): EventInput[] {
  const next = clock(start);
  return list.map((e, seq) => ({
    seq,
    type: e.type,
    ts: next(e.gap ?? 120),
    payload: e.payload as EventInput['payload'],
  }));
}

export async function seedDashboardFixtures(db: Db): Promise<boolean> {
  const project = await ensureProject(db, DEMO_SLUG, 'Demo project');
  if (await getRunById(db, project.id, FIXTURE_IDS.chat)) return false;
  const t0 = Date.now() - 10 * 60_000;
  const iso = (ms: number) => new Date(t0 + ms).toISOString();

  // 1. A chat run: two steps, a tool call with an idle gap of 5 s while the tool ran, then the answer.
  await createRun(db, project.id, {
    id: FIXTURE_IDS.chat,
    name: 'Fixture: weather in Lisbon',
    kind: 'chat',
    status: 'succeeded',
    threadId: 'fixture-thread-1',
    userId: 'fixture-user',
    model: 'fixture-model-1',
    tags: ['fixture', 'weather'],
    metadata: { locale: 'en-GB' },
    startedAt: iso(0),
    endedAt: iso(12_000),
    inputTokens: 420,
    outputTokens: 96,
    costUsd: 0.0031,
  });
  const { report } = await createReport(db, project.id, FIXTURE_IDS.chat, {
    id: FIXTURE_IDS.report,
    title: 'Weather briefing',
  });
  const s1 = await addSection(db, project.id, report.id, {
    heading: 'Forecast',
    body: 'Lisbon: **21 °C**, sunny.\n\n- wind 12 km/h\n- humidity 40%',
  });
  const { report: branch } = await createReport(db, project.id, FIXTURE_IDS.chat, {
    id: FIXTURE_IDS.branch,
    title: 'Porto comparison',
    branch: 'porto',
    parentReportId: report.id,
  });
  const s2 = await addSection(db, project.id, branch.id, {
    heading: 'Porto',
    body: 'Porto is cooler: _17 °C_ with clouds.',
  });
  const intro = 'Let me check the current weather in Lisbon for you. ';
  const answer =
    'It is 21 degrees and sunny in Lisbon right now, with a light breeze. A perfect afternoon for a walk along the river.';
  await appendEvents(
    db,
    project.id,
    FIXTURE_IDS.chat,
    toEvents(
      [
        { type: 'user-message', payload: { text: 'What is the weather in Lisbon?' } },
        { type: 'start', payload: { type: 'start', messageId: 'fixture-msg-1' } },
        { type: 'start-step', payload: { type: 'start-step' } },
        { type: 'reasoning-start', payload: { type: 'reasoning-start', id: 'r1' } },
        {
          type: 'reasoning-delta',
          payload: { type: 'reasoning-delta', id: 'r1', delta: 'The user wants the weather; call the tool.' },
        },
        { type: 'reasoning-end', payload: { type: 'reasoning-end', id: 'r1' } },
        { type: 'text-start', payload: { type: 'text-start', id: 't1' } },
        ...deltas('t1', intro),
        { type: 'text-end', payload: { type: 'text-end', id: 't1' } },
        {
          type: 'tool-input-start',
          payload: { type: 'tool-input-start', toolCallId: 'call-1', toolName: 'getWeather' },
        },
        {
          type: 'tool-input-delta',
          payload: { type: 'tool-input-delta', toolCallId: 'call-1', inputTextDelta: '{"city":"Lisbon"}' },
        },
        {
          type: 'tool-input-available',
          payload: {
            type: 'tool-input-available',
            toolCallId: 'call-1',
            toolName: 'getWeather',
            input: { city: 'Lisbon' },
          },
        },
        {
          type: 'tool-output-available',
          gap: 5000,
          payload: {
            type: 'tool-output-available',
            toolCallId: 'call-1',
            output: { tempC: 21, sky: 'sunny' },
          },
        },
        { type: 'finish-step', payload: { type: 'finish-step' } },
        { type: 'start-step', payload: { type: 'start-step' } },
        { type: 'text-start', payload: { type: 'text-start', id: 't2' } },
        ...deltas('t2', answer),
        { type: 'text-end', payload: { type: 'text-end', id: 't2' } },
        { type: 'report-section', payload: { reportId: report.id, sectionId: s1.id } },
        { type: 'report-section', payload: { reportId: branch.id, sectionId: s2.id } },
        { type: 'finish-step', payload: { type: 'finish-step' } },
        { type: 'usage', payload: { inputTokens: 420, outputTokens: 96, model: 'fixture-model-1' } },
        { type: 'finish', payload: { type: 'finish' } },
      ],
      t0,
    ),
  );

  // 2. Markup in every place stored text reaches the page: it must render as text.
  await createRun(db, project.id, {
    id: FIXTURE_IDS.xss,
    name: 'Fixture: XSS probe',
    kind: 'chat',
    status: 'failed',
    userId: 'fixture-user',
    model: 'fixture-model-1',
    tags: ['fixture', 'security'],
    startedAt: iso(20_000),
    endedAt: iso(22_000),
    error: { message: XSS },
  });
  const { report: xssReport } = await createReport(db, project.id, FIXTURE_IDS.xss, {
    id: FIXTURE_IDS.xssReport,
    title: `Report ${XSS}`,
  });
  const xs = await addSection(db, project.id, xssReport.id, {
    heading: `Heading ${XSS}`,
    body: `Body ${XSS}\n\n[click me](javascript:alert(1))`,
  });
  await appendEvents(
    db,
    project.id,
    FIXTURE_IDS.xss,
    toEvents(
      [
        { type: 'user-message', payload: { text: `user says ${XSS}` } },
        { type: 'start', payload: { type: 'start' } },
        { type: 'start-step', payload: { type: 'start-step' } },
        { type: 'text-start', payload: { type: 'text-start', id: 'x1' } },
        { type: 'text-delta', payload: { type: 'text-delta', id: 'x1', delta: `assistant says ${XSS}` } },
        { type: 'text-end', payload: { type: 'text-end', id: 'x1' } },
        {
          type: 'tool-input-start',
          payload: { type: 'tool-input-start', toolCallId: 'x-call', toolName: 'fetchPage' },
        },
        {
          type: 'tool-input-available',
          payload: {
            type: 'tool-input-available',
            toolCallId: 'x-call',
            toolName: 'fetchPage',
            input: { url: XSS },
          },
        },
        {
          type: 'tool-output-available',
          payload: {
            type: 'tool-output-available',
            toolCallId: 'x-call',
            output: { html: `tool result ${XSS}` },
          },
        },
        { type: 'report-section', payload: { reportId: xssReport.id, sectionId: xs.id } },
        { type: 'error', payload: { type: 'error', errorText: `stream error ${XSS}` } },
        { type: 'finish', payload: { type: 'finish' } },
      ],
      t0 + 20_000,
    ),
  );

  // 3. A dataset run: 3 passed, 2 failed (one after retries).
  await createRun(db, project.id, {
    id: FIXTURE_IDS.dataset,
    name: 'Fixture: capitals eval',
    kind: 'dataset',
    status: 'succeeded',
    datasetId: 'fixture-capitals',
    datasetVersion: 2,
    targetType: 'agent',
    targetId: 'geo-agent',
    totalItems: 5,
    tags: ['fixture'],
    startedAt: iso(30_000),
    endedAt: iso(40_000),
  });
  const items = [
    ['france', 'Paris', 'Paris', null, 0],
    ['japan', 'Tokyo', 'Tokyo', null, 0],
    ['italy', 'Rome', 'Rome', null, 0],
    ['australia', 'Sydney', 'Canberra', { message: 'Expected Canberra, got Sydney' }, 0],
    ['canada', null, 'Ottawa', { message: 'Timed out after 30 s' }, 2],
  ] as const;
  await addResults(
    db,
    project.id,
    FIXTURE_IDS.dataset,
    items.map(([country, output, truth, error, retries], i) => ({
      itemId: `capital-${country}`,
      itemVersion: 1,
      input: { question: `What is the capital of ${country}?` },
      output: output === null ? undefined : { answer: output },
      groundTruth: { answer: truth },
      latencyMs: 300 + i * 250,
      error: error ?? undefined,
      startedAt: iso(30_000 + i * 1000),
      completedAt: iso(30_300 + i * 1250),
      retryCount: retries,
    })),
  );
  // 4. A long conversation (RUNLEDGER_DASHBOARD_FIXTURE_EVENTS events, default 3000): more than the
  // first server-rendered page, so the replay has to fetch the rest.
  const count = Number(process.env.RUNLEDGER_DASHBOARD_FIXTURE_EVENTS ?? 3000);
  await createRun(db, project.id, {
    id: FIXTURE_IDS.long,
    name: 'Fixture: long conversation',
    kind: 'chat',
    status: 'succeeded',
    tags: ['fixture', 'long'],
    startedAt: iso(50_000),
    endedAt: iso(50_000 + count * 20),
  });
  const long: EventInput[] = [];
  const ts = (seq: number) => new Date(t0 + 50_000 + seq * 20).toISOString();
  for (let seq = 0, turn = 0; seq < count; turn++) {
    const push = (type: string, payload: Record<string, unknown>) => {
      if (seq < count) long.push({ seq, type, ts: ts(seq), payload: payload as EventInput['payload'] });
      seq++;
    };
    push('user-message', { text: `Question ${turn}` });
    push('start', { type: 'start' });
    push('text-start', { type: 'text-start', id: `l${turn}` });
    for (let w = 0; w < 40; w++)
      push('text-delta', { type: 'text-delta', id: `l${turn}`, delta: `t${turn}w${w} ` });
    push('text-end', { type: 'text-end', id: `l${turn}` });
    push('finish', { type: 'finish' });
  }
  for (let i = 0; i < long.length; i += 1000) {
    await appendEvents(db, project.id, FIXTURE_IDS.long, long.slice(i, i + 1000));
  }
  return true;
}
