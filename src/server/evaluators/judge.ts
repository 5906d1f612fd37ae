import 'server-only';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText, Output } from 'ai';
import { z } from 'zod';
import type { DbOrTx } from '@/db/client';
import type { JudgeConfig } from '@/lib/contract';
import { priceCost } from '../prices';
import { recordUsage } from '../usage/record';
import type { Verdict } from './code';
import { asText } from './code';
import { EvaluationError } from './errors';
import { providerForCall } from './providers';
import type { EvaluationTarget } from './target';

export type JudgeCall = {
  projectId: string;
  evaluatorName: string;
  /** Makes a retried ledger write count once: one key per job attempt. */
  usageKey: string;
  now: Date;
  /** How long the model may take to answer. */
  timeoutMs: number;
};

/** The usage ledger subject of an evaluator's model calls (quotas and /usage see it). */
export const judgeSubject = (evaluatorName: string) => `evaluator:${evaluatorName}`;

/** The template with `{{input}}`, `{{output}}`, `{{transcript}}` and `{{ground_truth}}` replaced. */
export function renderPrompt(template: string, target: EvaluationTarget): string {
  const values: Record<string, string> = {
    input: asText(target.input),
    output: asText(target.output),
    transcript: target.transcript,
    ground_truth: target.groundTruth === undefined ? '' : asText(target.groundTruth),
  };
  return template.replace(
    /\{\{\s*(input|output|transcript|ground_truth)\s*\}\}/g,
    (_, k: string) => values[k]!,
  );
}

/**
 * Asks the judge's model for a score between the config's min and max and its reasoning (a structured
 * output), then records the call's tokens and cost in the usage ledger. One call, no retries of its
 * own: the job retries with backoff and counts each attempt against the daily budget.
 */
export async function runJudge(
  db: DbOrTx,
  config: JudgeConfig,
  target: EvaluationTarget,
  call: JudgeCall,
): Promise<Verdict> {
  const provider = await providerForCall(db, call.projectId, config.providerId).catch(() => {
    throw new EvaluationError(
      'The LLM provider key cannot be read (was RUNLEDGER_SECRET_KEY changed?)',
      false,
    );
  });
  if (!provider) throw new EvaluationError('The LLM provider of this judge no longer exists', false);
  const model = createOpenAICompatible({
    name: 'judge',
    baseURL: provider.baseUrl,
    apiKey: provider.apiKey ?? undefined,
    supportsStructuredOutputs: true,
  }).chatModel(config.model);
  const schema = z.object({
    score: z.number().min(config.min).max(config.max),
    reasoning: z.string().max(10_000),
  });
  const result = await generateText({
    model,
    system: `You are an evaluator. Answer with a JSON object: "score", a number from ${config.min} to ${config.max}, and "reasoning", why.`,
    prompt: renderPrompt(config.prompt, target),
    output: Output.object({ schema, name: 'evaluation' }),
    maxRetries: 0,
    temperature: 0,
    abortSignal: AbortSignal.timeout(call.timeoutMs),
  });
  const verdict = result.output;
  const inputTokens = result.usage.inputTokens ?? 0;
  const outputTokens = result.usage.outputTokens ?? 0;
  await recordJudgeUsage(db, config.model, call, inputTokens, outputTokens);
  return { kind: 'score', value: verdict.score, comment: verdict.reasoning };
}

async function recordJudgeUsage(
  db: DbOrTx,
  model: string,
  call: JudgeCall,
  inputTokens: number,
  outputTokens: number,
): Promise<void> {
  const subject = judgeSubject(call.evaluatorName);
  const tokens = inputTokens + outputTokens;
  const force = { now: call.now, force: true };
  if (tokens > 0)
    await recordUsage(
      db,
      call.projectId,
      { subject, metric: 'tokens', amount: tokens, model, idempotencyKey: `${call.usageKey}:tokens` },
      force,
    );
  const cost = await priceCost(db, call.projectId, model, call.now, { inputTokens, outputTokens });
  const micros = Math.round((cost ?? 0) * 1_000_000);
  if (micros > 0)
    await recordUsage(
      db,
      call.projectId,
      { subject, metric: 'cost_micros', amount: micros, model, idempotencyKey: `${call.usageKey}:cost` },
      force,
    );
}
