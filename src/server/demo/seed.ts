import 'server-only';
import { and, eq } from 'drizzle-orm';
import type { Db, DbOrTx } from '@/db/client';
import { projects, runs } from '@/db/schema';
import { ensureProject } from '../projects';
import { addSection, createReport } from '../reports';
import { buildChatRun, type ChatRunSpec } from './chat';
import { writeDatasetRun, writeDemoDataset } from './dataset';
import { Rng, uuidFrom } from './random';
import type { DemoRun } from './stream';
import { TOPICS } from './text';
import { writeDemoUsage } from './usage';
import { applyStamps, insertEvents, insertRuns, recountEvents } from './write';
import { rebuildSearchWords } from '../search';
import { type Stamp, writeWorkflowRun } from './workflow';
import { workflowTemplates } from './workflow-content';
import { XSS_EXCHANGE, XSS_SECTION } from './xss';

export const DEMO_SLUG = 'demo';
export const DEMO_PROJECT_NAME = 'Demo project';

/** Ids the dashboard's tests can rely on: the same on every install. */
export const DEMO_RUN_IDS = {
  xssProbe: uuidFrom('run:xss-probe'),
  toolCall: uuidFrom('run:tool-call'),
  workflowWithBranches: uuidFrom('run:workflow-0'),
  failedWorkflow: uuidFrom('run:workflow-7'),
  runningWorkflow: uuidFrom('run:workflow-9'),
  datasetV1: uuidFrom('run:dataset-v1'),
  datasetV2: uuidFrom('run:dataset-v2'),
  runningChat: uuidFrom('run:running-0'),
};

export type SeedSummary = { projectId: string; runs: number; events: number; usageRows: number };

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const USERS = Array.from({ length: 12 }, (_, i) => `user_${String(i + 1).padStart(2, '0')}`);
const CHAT_MODELS = [
  'gpt-4o-mini',
  'gpt-4o-mini',
  'gpt-4o-mini',
  'claude-sonnet-4',
  'claude-sonnet-4',
  'gemini-2.5-flash',
  'gemini-2.5-flash',
  'gpt-4.1',
];
const ERRORS = [
  'Upstream model error: 529 overloaded',
  'Request timed out after 60000 ms',
  'Context length exceeded: 131072 tokens',
  'Rate limited by provider (429)',
];
/** Users whose usage today is set by hand (the quota states); their random runs stay before today. */
const CALIBRATED = new Set(['user_01', 'user_02']);
const RANDOM_CHATS = 179;

/** Seeds the demo project when the database has no project at all; null when it did nothing. */
export async function seedDemoIfEmpty(db: Db): Promise<SeedSummary | null> {
  const existing = await db.select({ id: projects.id }).from(projects).limit(1);
  if (existing.length > 0) return null;
  return seedDemo(db);
}

/**
 * Seeds the demo project (~200 runs over the last 30 days, reports, a dataset with two dataset runs,
 * usage and quotas). Idempotent: null when the demo project already has runs. One transaction that
 * locks the project row, so concurrent calls seed once.
 */
export async function seedDemo(db: Db, now = new Date()): Promise<SeedSummary | null> {
  const project = await ensureProject(db, DEMO_SLUG, DEMO_PROJECT_NAME);
  return db.transaction(async (tx) => {
    await tx.select({ id: projects.id }).from(projects).where(eq(projects.id, project.id)).for('update');
    const [anyRun] = await tx
      .select({ id: runs.id })
      .from(runs)
      .where(and(eq(runs.projectId, project.id)))
      .limit(1);
    if (anyRun) return null;
    return writeDemo(tx, project.id, now);
  });
}

async function writeDemo(db: DbOrTx, projectId: string, now: Date): Promise<SeedSummary> {
  const rng = new Rng(20261123);
  const todayStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const chatSpecs: ChatRunSpec[] = [];
  const chat = (key: string, s: Omit<ChatRunSpec, 'id' | 'projectId'>) =>
    chatSpecs.push({ id: uuidFrom(`run:${key}`), projectId, ...s });

  // Conversations: a thread of 1 to 5 turns, on a random day, more of them recently.
  for (let session = 0; chatSpecs.length < RANDOM_CHATS; session++) {
    const user = rng.pick(USERS);
    const topic = rng.pick(TOPICS);
    const model = rng.pick(CHAT_MODELS);
    const tags = [...topic.tags, rng.chance(0.9) ? 'prod' : 'staging'];
    const daysAgo = Math.floor(30 * rng.next() ** 1.6);
    let at = now.getTime() - daysAgo * DAY - rng.int(20 * MINUTE, 14 * HOUR);
    if (CALIBRATED.has(user) && at >= todayStart) at -= DAY;
    const turns = rng.chance(0.35) ? Math.min(RANDOM_CHATS - chatSpecs.length, rng.int(2, 5)) : 1;
    const opening = rng.pick(topic.opening);
    let context = 0;
    for (let t = 0; t < turns; t++) {
      const exchange = t === 0 ? opening : topic.followUps[(t - 1) % topic.followUps.length]!;
      const failed = rng.chance(0.05);
      chat(`chat-${session}-${t}`, {
        userId: user,
        threadId: `thread_${user}_${session}`,
        model,
        tags,
        exchange,
        startAt: new Date(at),
        outcome: failed ? 'failed' : 'succeeded',
        errorText: failed ? rng.pick(ERRORS) : undefined,
        contextTokens: context,
      });
      context += Math.round((exchange.question.length + exchange.answer.length) / 4);
      at += rng.int(40_000, 6 * MINUTE);
    }
  }
  const sqlTopic = TOPICS.find((t) => t.key === 'sql-orders')!;
  chat('tool-call', {
    userId: 'user_03',
    threadId: 'thread_user_03_showcase',
    model: 'claude-sonnet-4',
    tags: ['analytics', 'sql', 'prod'],
    exchange: sqlTopic.opening[0]!,
    startAt: new Date(now.getTime() - 26 * HOUR),
    outcome: 'succeeded',
  });
  chat('xss-probe', {
    name: 'XSS probe',
    userId: 'user_07',
    threadId: 'thread_user_07_xss',
    model: 'gpt-4o-mini',
    tags: ['security', 'probe'],
    exchange: XSS_EXCHANGE,
    startAt: new Date(now.getTime() - 2 * DAY - 3 * HOUR),
    outcome: 'succeeded',
  });
  // Still streaming.
  chat('running-0', {
    userId: 'user_05',
    threadId: 'thread_user_05_live',
    model: 'gemini-2.5-flash',
    tags: ['travel', 'prod'],
    exchange: TOPICS.find((t) => t.key === 'kyoto')!.opening[0]!,
    startAt: new Date(now.getTime() - 20_000),
    outcome: 'running',
  });
  chat('running-1', {
    userId: 'user_09',
    threadId: 'thread_user_09_live',
    model: 'gpt-4o-mini',
    tags: ['code', 'prod'],
    exchange: TOPICS.find((t) => t.key === 'debounce')!.opening[0]!,
    startAt: new Date(now.getTime() - 90_000),
    outcome: 'running',
  });
  // Today's heavy users: user_01 ends above 100% and user_02 above 80% of the soft daily cost quota.
  const span = Math.max(0, now.getTime() - 2 * MINUTE - todayStart);
  const heavy: [string, number, { input: number; output: number }][] = [
    ['user_01', 3, { input: 30_000, output: 2_000 }],
    ['user_02', 2, { input: 20_000, output: 1_800 }],
  ];
  for (const [user, count, tokens] of heavy) {
    for (let i = 0; i < count; i++) {
      chat(`heavy-${user}-${i}`, {
        userId: user,
        threadId: `thread_${user}_today`,
        model: 'claude-opus-4',
        tags: ['research', 'prod'],
        exchange: TOPICS.find((t) => t.key === 'incident-summary')!.opening[0]!,
        startAt: new Date(todayStart + Math.floor((span * (i + 1)) / (count + 1))),
        outcome: 'succeeded',
        tokens,
      });
    }
  }

  const demoRuns: DemoRun[] = chatSpecs.map((spec) => buildChatRun(rng, spec));
  await insertRuns(
    db,
    demoRuns.map((r) => r.row),
  );
  const stamps: Stamp[] = [];

  // The XSS probe also has a report whose section carries the markup.
  const xss = demoRuns.find((r) => r.row.id === DEMO_RUN_IDS.xssProbe)!;
  const { report } = await createReport(db, projectId, xss.row.id, {
    id: uuidFrom('report:xss-probe'),
    title: 'XSS probe report <script>alert(1)</script>',
  });
  const section = await addSection(db, projectId, report.id, XSS_SECTION);
  const last = xss.events[xss.events.length - 1]!;
  const sectionAt = new Date(last.ts.getTime() + 50);
  xss.events.push({
    seq: last.seq + 1,
    type: 'report-section',
    ts: sectionAt,
    payload: { reportId: report.id, sectionId: section.id },
  });
  stamps.push(
    { table: 'reports', id: report.id, at: sectionAt },
    { table: 'report_sections', id: section.id, at: sectionAt },
  );

  // Workflows: two rounds of five templates over the month; #7 fails, #9 is still running.
  const workflowUsers = ['user_03', 'user_06', 'user_08', 'user_10'];
  for (let i = 0; i < 10; i++) {
    const template = workflowTemplates(rng, Math.floor(i / 5))[i % 5]!;
    const outcome = i === 7 ? 'failed' : i === 9 ? 'running' : 'succeeded';
    const startAt =
      outcome === 'running'
        ? new Date(now.getTime() - 4 * MINUTE)
        : new Date(now.getTime() - (28 - i * 3) * DAY - rng.int(HOUR, 8 * HOUR));
    const written = await writeWorkflowRun(db, rng, template, {
      key: `workflow-${i}`,
      projectId,
      userId: workflowUsers[i % workflowUsers.length]!,
      startAt,
      outcome,
    });
    await db
      .update(runs)
      .set(written.run.row)
      .where(and(eq(runs.projectId, projectId), eq(runs.id, written.run.row.id)));
    demoRuns.push({
      ...written.run,
      row: { ...written.run.row, userId: workflowUsers[i % workflowUsers.length]!, model: template.model },
    });
    stamps.push(...written.stamps);
  }

  // The golden set and two evaluations of the support agent, before and after its fix.
  const { dataset, itemsV2, itemsV3 } = await writeDemoDataset(db, projectId);
  for (const [key, name, items, version, daysAgo, model, failureRate] of [
    ['dataset-v1', 'Eval: support-agent v1 on Support QA golden set', itemsV2, 2, 9, 'gpt-4o-mini', 0.14],
    ['dataset-v2', 'Eval: support-agent v2 on Support QA golden set', itemsV3, 3, 3, 'claude-sonnet-4', 0.05],
  ] as const) {
    const run = await writeDatasetRun(db, rng, {
      key,
      projectId,
      name,
      datasetId: dataset.id,
      datasetVersion: version,
      items,
      targetId: key === 'dataset-v1' ? 'support-agent@1' : 'support-agent@2',
      userId: 'user_04',
      model,
      startAt: new Date(now.getTime() - daysAgo * DAY - 5 * HOUR),
      failureRate,
    });
    await db
      .update(runs)
      .set(run.row)
      .where(and(eq(runs.projectId, projectId), eq(runs.id, run.row.id)));
    demoRuns.push({ ...run, row: { ...run.row, userId: 'user_04', model } });
  }

  const events = demoRuns.flatMap((r) => r.events.map((e) => ({ ...e, runId: r.row.id })));
  await insertEvents(db, projectId, events);
  await recountEvents(db, projectId);
  await rebuildSearchWords(db, projectId);
  await applyStamps(db, projectId, stamps);
  const usageRows = await writeDemoUsage(db, projectId, demoRuns, now);
  return { projectId, runs: demoRuns.length, events: events.length, usageRows };
}
