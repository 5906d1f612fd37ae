import { z } from 'zod';
import { evaluationStatuses, evaluatorTypes, runKinds } from '../enums';
import { timestamp, uuid } from './common';
import { scoreName } from './scores';

export { evaluationStatuses, evaluatorTypes };
export const evaluatorType = z.enum(evaluatorTypes);
export const evaluationStatus = z.enum(evaluationStatuses);

/** A pattern JavaScript compiles; kept short so a check of a long output stays quick. */
const regexPattern = z
  .string()
  .min(1)
  .max(500)
  .refine((p) => {
    try {
      new RegExp(p);
      return true;
    } catch {
      return false;
    }
  }, 'Not a valid regular expression');

const noConfig = <T extends string>(type: T) => z.strictObject({ type: z.literal(type) });

/**
 * What an evaluator checks, by type. Code checks score pass (true) or fail (false); the judge a number
 * between its `min` and `max`. The text compared is the output as a string, or its `text` field, or
 * its JSON.
 */
export const evaluatorConfig = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('exact_match'),
    caseSensitive: z.boolean().default(true),
  }),
  z.strictObject({
    type: z.literal('contains'),
    caseSensitive: z.boolean().default(true),
  }),
  z.strictObject({
    type: z.literal('regex'),
    pattern: regexPattern,
    flags: z
      .string()
      .regex(/^[imsu]*$/, 'Only the flags i, m, s and u')
      .max(4)
      .default(''),
  }),
  noConfig('json_valid'),
  z.strictObject({
    type: z.literal('json_schema'),
    schema: z
      .record(z.string(), z.unknown())
      .refine((s) => JSON.stringify(s).length <= 20_000, 'At most 20,000 characters of JSON Schema')
      .refine((s) => {
        try {
          z.fromJSONSchema(s as Parameters<typeof z.fromJSONSchema>[0]);
          return true;
        } catch {
          return false;
        }
      }, 'Not a JSON Schema this server can check'),
  }),
  z.strictObject({
    type: z.literal('tool_called'),
    toolName: z.string().min(1).max(200),
    /** false: passes when the tool was NOT called. */
    called: z.boolean().default(true),
  }),
  z.strictObject({ type: z.literal('latency_under'), ms: z.number().int().min(1).max(86_400_000) }),
  z.strictObject({ type: z.literal('cost_under'), usd: z.number().min(0).max(1_000_000) }),
  z.strictObject({
    type: z.literal('llm_judge'),
    providerId: uuid.describe('The project LLM provider that serves the model'),
    model: z.string().min(1).max(200),
    prompt: z
      .string()
      .min(1)
      .max(20_000)
      .describe('Template: {{input}}, {{output}}, {{transcript}} and {{ground_truth}} are replaced'),
    min: z.number().min(-1e9).max(1e9).default(0),
    max: z.number().min(-1e9).max(1e9).default(1),
  }),
]);
export type EvaluatorConfig = z.infer<typeof evaluatorConfig>;
export type EvaluatorConfigInput = z.input<typeof evaluatorConfig>;
export type JudgeConfig = Extract<EvaluatorConfig, { type: 'llm_judge' }>;

/** Which finished runs an online evaluator scores; every field given must match (tags: any of them). */
export const evaluatorFilter = z.strictObject({
  kinds: z.array(z.enum(runKinds)).max(3).optional(),
  models: z.array(z.string().min(1).max(200)).max(50).optional(),
  tags: z.array(z.string().min(1).max(200)).max(50).optional(),
  metadata: z.record(z.string().min(1).max(200), z.string().max(1000)).optional(),
  nameContains: z.string().min(1).max(200).optional(),
});
export type EvaluatorFilter = z.infer<typeof evaluatorFilter>;

const evaluatorFields = {
  name: scoreName.describe('The evaluator and the name of the scores it writes; unique in the project'),
  config: evaluatorConfig,
  online: z.boolean().default(false).describe('Score finished runs that match `filter` as they finish'),
  filter: evaluatorFilter.default({}),
  sampleRate: z.number().min(0).max(1).default(1).describe('Share of matching runs scored online'),
  dailyBudget: z
    .number()
    .int()
    .min(1)
    .max(10_000_000)
    .nullable()
    .default(null)
    .describe('Evaluations (attempts) per UTC day at most; null: unlimited'),
  enabled: z.boolean().default(true),
};

export const createEvaluatorBody = z
  .strictObject(evaluatorFields)
  .refine((e) => e.config.type !== 'llm_judge' || e.config.min < e.config.max, {
    path: ['config', 'max'],
    message: 'max must be above min',
  });
export type CreateEvaluatorInput = z.infer<typeof createEvaluatorBody>;

/** A change: the fields given replace the stored ones (`config` whole). */
export const updateEvaluatorBody = z.strictObject({
  name: evaluatorFields.name.optional(),
  config: evaluatorConfig.optional(),
  online: z.boolean().optional(),
  filter: evaluatorFilter.optional(),
  sampleRate: z.number().min(0).max(1).optional(),
  dailyBudget: z.number().int().min(1).max(10_000_000).nullable().optional(),
  enabled: z.boolean().optional(),
});
export type UpdateEvaluatorInput = z.infer<typeof updateEvaluatorBody>;

export const evaluatorDto = z.object({
  id: uuid,
  name: z.string(),
  config: evaluatorConfig,
  online: z.boolean(),
  filter: evaluatorFilter,
  sampleRate: z.number(),
  dailyBudget: z.number().int().nullable(),
  enabled: z.boolean(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type EvaluatorDto = z.infer<typeof evaluatorDto>;
export const evaluatorResponse = z.object({ evaluator: evaluatorDto });
export const evaluatorList = z.object({ data: z.array(evaluatorDto) });

/** Offline: every result of a dataset run, or a selection of runs. */
export const runEvaluatorBody = z.union([
  z.strictObject({ datasetRunId: uuid }),
  z.strictObject({ runIds: z.array(uuid).min(1).max(1000) }),
]);
export type RunEvaluatorInput = z.infer<typeof runEvaluatorBody>;
export const runEvaluatorResponse = z.object({
  queued: z.number().int().describe('Evaluations added to the queue'),
  alreadyQueued: z.number().int().describe('Targets this evaluator had already queued or scored'),
});

export const evaluationDto = z.object({
  id: z.number().int(),
  evaluatorId: uuid,
  runId: uuid,
  resultId: uuid.nullable(),
  status: evaluationStatus,
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  scoreId: uuid.nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type EvaluationDto = z.infer<typeof evaluationDto>;
export const evaluationList = z.object({ data: z.array(evaluationDto) });
export const listEvaluationsQuery = z.strictObject({
  status: evaluationStatus.optional(),
  runId: uuid.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** An OpenAI-compatible endpoint; the key is stored encrypted and never answered. */
export const putLlmProviderBody = z.strictObject({
  name: z.string().min(1).max(100),
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .max(500)
    .describe('e.g. https://api.openai.com/v1'),
  apiKey: z
    .string()
    .min(1)
    .max(1000)
    .optional()
    .describe('Kept as stored when absent on a change; never returned'),
});
export type PutLlmProviderInput = z.infer<typeof putLlmProviderBody>;
export const llmProviderDto = z.object({
  id: uuid,
  name: z.string(),
  baseUrl: z.string(),
  hasApiKey: z.boolean(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type LlmProviderDto = z.infer<typeof llmProviderDto>;
export const llmProviderResponse = z.object({ provider: llmProviderDto });
export const llmProviderList = z.object({ data: z.array(llmProviderDto) });
export const deleteLlmProviderQuery = z.strictObject({ name: z.string().min(1).max(100) });
