import 'server-only';
import type { DbOrTx } from '@/db/client';
import { runs } from '@/db/schema';
import type { ResultInput } from '@/lib/contract';
import { addItems, createDataset, updateItem } from '../datasets';
import { addResults } from '../runs';
import { type Rng, uuidFrom } from './random';
import { type DemoRun, EventLog, costUsd, endedRunUsage } from './stream';

export const DEMO_DATASET_NAME = 'Support QA golden set';

const QUESTIONS: [string, string][] = [
  [
    'How do I reset my password on {p}?',
    'Use "Forgot password" on the {p} sign-in page; the link is valid for 1 hour.',
  ],
  ['Can I export my {p} data to CSV?', 'Yes: Settings → Data → Export, then choose CSV.'],
  ['Does {p} support single sign-on?', 'Yes, SAML and OIDC on the Business plan and above.'],
  [
    'How do I cancel my {p} subscription?',
    'Settings → Billing → Cancel plan; access continues until the period ends.',
  ],
  ['Where can I find my {p} invoices?', 'Settings → Billing → Invoices, each downloadable as PDF.'],
  ['How do I invite a teammate to {p}?', 'Settings → Members → Invite, then enter their email address.'],
  ['Is there an API for {p}?', 'Yes, a REST API; create a key under Settings → API keys.'],
  ['What are the {p} rate limits?', '60 requests per minute per key; 429 answers carry Retry-After.'],
  ['How do I delete my {p} account?', 'Settings → Account → Delete account; data is erased within 30 days.'],
  ['Does {p} have a mobile app?', 'Yes, for iOS and Android, with the same login.'],
];
const PRODUCTS = ['Acme Notes', 'Acme CRM', 'Acme Mail', 'Acme Drive', 'Acme Chat'];

/** The golden set: 50 items (version 2), then one corrected expected answer (version 3). */
export async function writeDemoDataset(db: DbOrTx, projectId: string) {
  const dataset = await createDataset(db, projectId, {
    name: DEMO_DATASET_NAME,
    description: 'Questions customers ask support, with the answer a good agent gives.',
  });
  const { items } = await addItems(
    db,
    projectId,
    dataset.id,
    PRODUCTS.flatMap((p) =>
      QUESTIONS.map(([q, a], i) => ({
        input: { question: q.replace('{p}', p) },
        expectedOutput: { answer: a.replace('{p}', p) },
        metadata: { product: p, topic: i },
      })),
    ),
  );
  const fixed = items[7]!;
  const updated = await updateItem(db, projectId, dataset.id, fixed.itemId, {
    expectedOutput: { answer: '120 requests per minute per key; 429 answers carry Retry-After.' },
  });
  return { dataset, itemsV2: items, itemsV3: items.map((it) => (it.itemId === fixed.itemId ? updated : it)) };
}

export type DatasetRunSpec = {
  key: string;
  projectId: string;
  name: string;
  datasetId: string;
  datasetVersion: number;
  items: { itemId: string; version: number; input: unknown; expectedOutput: unknown }[];
  targetId: string;
  userId: string;
  model: string;
  startAt: Date;
  failureRate: number;
};

/** A dataset run over one dataset version: one result per item, some failed, some retried. */
export async function writeDatasetRun(db: DbOrTx, rng: Rng, spec: DatasetRunSpec): Promise<DemoRun> {
  const id = uuidFrom(`run:${spec.key}`);
  await db.insert(runs).values({
    id,
    projectId: spec.projectId,
    kind: 'dataset',
    name: spec.name,
    status: 'running',
    userId: spec.userId,
    model: spec.model,
    tags: ['eval', 'dataset'],
    metadata: { source: 'demo', concurrency: 4 },
    startedAt: spec.startAt,
    createdAt: spec.startAt,
    updatedAt: spec.startAt,
    datasetId: spec.datasetId,
    datasetVersion: spec.datasetVersion,
    targetType: 'agent',
    targetId: spec.targetId,
    totalItems: spec.items.length,
  });
  const log = new EventLog(rng, spec.startAt);
  log.push('status', { status: 'running' }, [0, 0]);
  let clock = spec.startAt.getTime();
  let inputTokens = 0;
  let outputTokens = 0;
  const results: ResultInput[] = spec.items.map((item, i) => {
    const retries = rng.chance(0.12) ? rng.int(1, 2) : 0;
    const failed = rng.chance(spec.failureRate);
    const latencyMs = rng.int(380, 4200) + retries * rng.int(800, 2000);
    const startedAt = new Date(clock + (i % 4) * rng.int(10, 200));
    if (i % 4 === 3) clock += latencyMs;
    const expected = (item.expectedOutput as { answer: string }).answer;
    inputTokens += rng.int(300, 700);
    outputTokens += failed ? 0 : rng.int(40, 160);
    return {
      itemId: item.itemId,
      itemVersion: item.version,
      input: item.input as ResultInput['input'],
      output: failed ? null : { answer: rng.chance(0.8) ? expected : `${expected.split(';')[0]}.` },
      groundTruth: item.expectedOutput as ResultInput['groundTruth'],
      latencyMs,
      error: failed
        ? {
            message: rng.pick([
              'Timeout after 30000 ms',
              'Tool lookupOrder failed: 503',
              'Output failed schema validation',
            ]),
          }
        : null,
      startedAt: startedAt.toISOString(),
      completedAt: new Date(startedAt.getTime() + latencyMs).toISOString(),
      retryCount: retries,
    };
  });
  await addResults(db, spec.projectId, id, results);
  const end = new Date(Math.max(...results.map((r) => new Date(r.completedAt).getTime())) + 200);
  for (let done = 10; done <= spec.items.length; done += 10) {
    const at = new Date(
      spec.startAt.getTime() + ((end.getTime() - spec.startAt.getTime()) * done) / spec.items.length,
    );
    log.events.push({
      seq: log.events.length,
      type: 'data-progress',
      ts: at,
      payload: { type: 'data-progress', data: { done, total: spec.items.length } },
    });
  }
  const cost = costUsd(spec.model, inputTokens, outputTokens);
  log.events.push({
    seq: log.events.length,
    type: 'usage',
    ts: end,
    payload: { inputTokens, outputTokens, model: spec.model, costUsd: cost },
  });
  log.events.push({ seq: log.events.length, type: 'status', ts: end, payload: { status: 'succeeded' } });
  const { totals, usage } = endedRunUsage({
    subject: spec.userId,
    model: spec.model,
    inputTokens,
    outputTokens,
    costUsd: cost,
    at: end,
  });
  return {
    row: {
      id,
      projectId: spec.projectId,
      name: spec.name,
      createdAt: spec.startAt,
      status: 'succeeded',
      ...totals,
      output: {
        exactMatches: results.filter((r) => JSON.stringify(r.output) === JSON.stringify(r.groundTruth))
          .length,
        errors: results.filter((r) => r.error !== null).length,
      },
    },
    events: log.events,
    usage,
  };
}
