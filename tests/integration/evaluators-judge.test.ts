import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { evaluationJobs, llmProviders, scores, usageEvents } from '@/db/schema';
import { createEvaluatorBody } from '@/lib/contract';
import {
  createEvaluator,
  defaultWorkerOptions,
  enqueueRuns,
  putLlmProvider,
  runEvaluationPass,
  toLlmProviderDto,
  type WorkerOptions,
} from '@/server/evaluators';
import { decryptSecret } from '@/server/evaluators/secrets';
import { upsertPrice } from '@/server/prices';
import { describeEachDb } from '../helpers/db';
import { makeProject, makeRun } from '../helpers/fixtures';
import { type ModelServer, startModelServer } from '../helpers/model-server';

const T0 = new Date('2026-11-20T10:00:00.000Z');
const API_KEY = 'sk-loopback-secret-123';
const verdict = (score: number, reasoning = 'because') => ({ kind: 'verdict' as const, score, reasoning });

let model: ModelServer;
beforeAll(async () => {
  model = await startModelServer();
});
afterAll(async () => {
  await model.close();
});

describeEachDb('LLM judge', ({ db }) => {
  // The database's first query waits for its restore: under the hook's timeout, not a test's.
  beforeAll(async () => {
    await makeProject(db());
  });

  /** A project with a provider on the loopback model, a judge, and a finished run queued for it. */
  async function setup() {
    // Passes take any project's due evaluations: start each test with none left by another.
    await db().delete(evaluationJobs);
    model.replies = [];
    model.requests = [];
    const p = await makeProject(db());
    const provider = await putLlmProvider(
      db(),
      p.id,
      { name: 'loopback', baseUrl: model.baseUrl, apiKey: API_KEY },
      null,
    );
    await upsertPrice(db(), p.id, {
      model: 'judge-1',
      inputPerMillion: 1,
      outputPerMillion: 2,
      effectiveFrom: '2026-01-01',
    });
    const config = {
      type: 'llm_judge',
      providerId: provider.id,
      model: 'judge-1',
      prompt: 'Question: {{input}}\nAnswer: {{output}}\nExpected: {{ground_truth}}\n{{transcript}}',
    };
    const judge = await createEvaluator(
      db(),
      p.id,
      createEvaluatorBody.parse({ name: 'helpfulness', config }),
      null,
    );
    const run = await makeRun(db(), p.id, {
      status: 'succeeded',
      input: 'Capital of France?',
      output: 'Paris',
      metadata: { groundTruth: 'Paris' },
    });
    await enqueueRuns(db(), p.id, judge.id, [run.id], null, T0);
    const clock = { now: T0 };
    const opts: WorkerOptions = {
      ...defaultWorkerOptions,
      workerId: `w-${randomUUID().slice(0, 6)}`,
      now: () => clock.now,
      maxAttempts: 3,
      backoffMs: 10_000,
      judgeTimeoutMs: 15_000,
    };
    const job = async () => {
      const [row] = await db().select().from(evaluationJobs).where(eq(evaluationJobs.evaluatorId, judge.id));
      return row!;
    };
    const written = () => db().select().from(scores).where(eq(scores.authorId, judge.id));
    /** One pass at the clock's time, then the clock moves past the longest backoff. */
    const pass = async () => {
      const s = await runEvaluationPass(db(), opts);
      clock.now = new Date(clock.now.getTime() + 10 * opts.backoffMs);
      return s;
    };
    return { p, provider, judge, run, job, written, pass, opts, clock };
  }

  it('writes the judge’s score and reasoning, calls with the key, and records its usage', async () => {
    const t = await setup();
    model.replies = [verdict(0.8, 'Correct and concise.')];
    expect((await t.pass()).outcomes.done).toBe(1);
    expect(await t.written()).toMatchObject([
      {
        name: 'helpfulness',
        value: 0.8,
        comment: 'Correct and concise.',
        dataType: 'numeric',
        runId: t.run.id,
      },
    ]);
    const [req] = model.requests;
    expect(req?.authorization).toBe(`Bearer ${API_KEY}`);
    expect(JSON.stringify(req?.body.messages)).toContain(
      'Question: Capital of France?\\nAnswer: Paris\\nExpected: Paris',
    );
    expect(req?.body.response_format).toMatchObject({ type: 'json_schema' });
    const ledger = await db()
      .select()
      .from(usageEvents)
      .where(and(eq(usageEvents.projectId, t.p.id), eq(usageEvents.subject, 'evaluator:helpfulness')));
    // 120 input and 30 output tokens at $1 and $2 per million: 180 micro-dollars.
    expect(Object.fromEntries(ledger.map((r) => [r.metric, r.amount]))).toEqual({
      tokens: 150,
      cost_micros: 180,
    });
    expect(await t.job()).toMatchObject({ status: 'done', attempts: 1, lastError: null });
  });

  it('waits for a slow model within the timeout', async () => {
    const t = await setup();
    model.replies = [{ ...verdict(1), delayMs: 400 }];
    expect((await t.pass()).outcomes.done).toBe(1);
    expect((await t.written())[0]?.value).toBe(1);
  });

  it('retries after a timeout, with backoff, and scores once the model answers', async () => {
    const t = await setup();
    model.replies = [{ kind: 'hang' }, verdict(0.25)];
    t.opts.judgeTimeoutMs = 500;
    expect((await runEvaluationPass(db(), t.opts)).outcomes.retry).toBe(1);
    t.opts.judgeTimeoutMs = 10_000;
    expect(await t.job()).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: 'The model did not answer in time',
    });
    expect(await t.written()).toHaveLength(0);
    // Not before its backoff.
    expect((await runEvaluationPass(db(), t.opts)).claimed).toBe(0);
    t.clock.now = new Date(T0.getTime() + t.opts.backoffMs);
    expect((await runEvaluationPass(db(), t.opts)).outcomes.done).toBe(1);
    expect(await t.job()).toMatchObject({ status: 'done', attempts: 2, lastError: null });
    expect((await t.written()).map((s) => s.value)).toEqual([0.25]);
  });

  it('gives up after its attempts on a model that keeps failing with 500, recording why', async () => {
    const t = await setup();
    model.fallback = { kind: 'status', status: 500 };
    try {
      for (let i = 0; i < 3; i++) await t.pass();
      expect((await t.pass()).claimed).toBe(0);
    } finally {
      model.fallback = verdict(0.5, 'default');
    }
    expect(model.requests).toHaveLength(3);
    const job = await t.job();
    expect(job).toMatchObject({ status: 'failed', attempts: 3 });
    expect(job.lastError).toMatch(/HTTP 500/);
    expect(await t.written()).toHaveLength(0);
  });

  it('retries malformed JSON and an answer that is not the verdict object', async () => {
    const t = await setup();
    model.replies = [{ kind: 'malformed' }, { kind: 'wrong-object' }, verdict(0.6)];
    expect((await t.pass()).outcomes.retry).toBe(1);
    expect((await t.job()).lastError).toBeTruthy();
    expect((await t.pass()).outcomes.retry).toBe(1);
    expect(await t.written()).toHaveLength(0);
    expect((await t.pass()).outcomes.done).toBe(1);
    expect((await t.written()).map((s) => s.value)).toEqual([0.6]);
    expect(await t.job()).toMatchObject({ status: 'done', attempts: 3 });
  });

  it('does not retry a refused key, and records the error', async () => {
    const t = await setup();
    model.replies = [{ kind: 'status', status: 401 }];
    expect((await t.pass()).outcomes.failed).toBe(1);
    expect(model.requests).toHaveLength(1);
    expect((await t.job()).lastError).toMatch(/HTTP 401/);
    expect(await t.written()).toHaveLength(0);
  });

  it('keeps the provider key encrypted, bound to its row, and never shows it', async () => {
    const t = await setup();
    const [row] = await db().select().from(llmProviders).where(eq(llmProviders.id, t.provider.id));
    expect(row?.apiKeyCipher).toBeTruthy();
    expect(row?.apiKeyCipher).not.toContain(API_KEY);
    expect(JSON.stringify(toLlmProviderDto(row!))).not.toContain(API_KEY);
    expect(toLlmProviderDto(row!).hasApiKey).toBe(true);
    expect(await decryptSecret(db(), row!.apiKeyCipher!, row!.id)).toBe(API_KEY);
    await expect(decryptSecret(db(), row!.apiKeyCipher!, randomUUID())).rejects.toThrow();
    // A change without a key keeps the stored one.
    await putLlmProvider(db(), t.p.id, { name: 'loopback', baseUrl: model.baseUrl }, null);
    const [kept] = await db().select().from(llmProviders).where(eq(llmProviders.id, t.provider.id));
    expect(kept?.apiKeyCipher).toBe(row?.apiKeyCipher);
  });
});
