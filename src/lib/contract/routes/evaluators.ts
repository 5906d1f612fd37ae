import {
  createEvaluatorBody,
  deleteLlmProviderQuery,
  evaluationList,
  evaluatorList,
  evaluatorResponse,
  listEvaluationsQuery,
  llmProviderList,
  llmProviderResponse,
  putLlmProviderBody,
  runEvaluatorBody,
  runEvaluatorResponse,
  updateEvaluatorBody,
} from '../evaluators';
import { defineRoute, idParams, writeErrors } from '../route';

const tag = 'Evaluators';

export const listEvaluators = defineRoute({
  method: 'GET',
  path: '/api/v1/evaluators',
  tag,
  summary: "The project's evaluators, by name",
  responses: { 200: { description: 'Evaluators', schema: evaluatorList } },
});

export const createEvaluator = defineRoute({
  method: 'POST',
  path: '/api/v1/evaluators',
  tag,
  summary: 'Create an evaluator (a code check or an LLM judge)',
  description:
    'Code checks score pass/fail; a judge asks a project LLM provider for a score between min and max. With `online`, finished runs matching `filter` are scored as they finish (sampled by `sampleRate`). The name is also the name of its scores; a second evaluator of the same name is a 409.',
  body: createEvaluatorBody,
  responses: { 201: { description: 'The evaluator', schema: evaluatorResponse } },
  errors: [409, ...writeErrors],
});

export const getEvaluator = defineRoute({
  method: 'GET',
  path: '/api/v1/evaluators/{id}',
  tag,
  summary: 'One evaluator',
  params: idParams,
  responses: { 200: { description: 'The evaluator', schema: evaluatorResponse } },
  errors: [404],
});

export const updateEvaluator = defineRoute({
  method: 'PATCH',
  path: '/api/v1/evaluators/{id}',
  tag,
  summary: 'Change an evaluator (the fields given)',
  params: idParams,
  body: updateEvaluatorBody,
  responses: { 200: { description: 'The evaluator', schema: evaluatorResponse } },
  errors: [404, 409, ...writeErrors],
});

export const deleteEvaluator = defineRoute({
  method: 'DELETE',
  path: '/api/v1/evaluators/{id}',
  tag,
  summary: 'Delete an evaluator and its queued evaluations (its scores stay)',
  params: idParams,
  responses: { 204: { description: 'Deleted', schema: null } },
  errors: [404],
});

export const runEvaluator = defineRoute({
  method: 'POST',
  path: '/api/v1/evaluators/{id}/runs',
  tag,
  summary: 'Queue the evaluator on every result of a dataset run, or on a selection of runs',
  description:
    'Each target is evaluated once: one already queued or scored is counted in `alreadyQueued`; one that failed or was skipped is queued again. A run the key cannot see is a 404 and nothing is queued.',
  params: idParams,
  body: runEvaluatorBody,
  responses: { 200: { description: 'Queued', schema: runEvaluatorResponse } },
  errors: [404, ...writeErrors],
});

export const listEvaluations = defineRoute({
  method: 'GET',
  path: '/api/v1/evaluators/{id}/evaluations',
  tag,
  summary: "The evaluator's evaluations (queued, running, done, failed, skipped), latest first",
  params: idParams,
  query: listEvaluationsQuery,
  responses: { 200: { description: 'Evaluations', schema: evaluationList } },
  errors: [404],
});

export const listLlmProviders = defineRoute({
  method: 'GET',
  path: '/api/v1/llm-providers',
  tag,
  summary: "The project's LLM providers (never their keys)",
  responses: { 200: { description: 'Providers', schema: llmProviderList } },
});

export const putLlmProvider = defineRoute({
  method: 'PUT',
  path: '/api/v1/llm-providers',
  tag,
  summary: 'Create or change an OpenAI-compatible provider (upsert on name)',
  description:
    'The API key is encrypted at rest (AES-256-GCM) and never returned; a change without `apiKey` keeps the stored key.',
  body: putLlmProviderBody,
  responses: { 200: { description: 'The provider', schema: llmProviderResponse } },
  errors: writeErrors,
});

export const deleteLlmProvider = defineRoute({
  method: 'DELETE',
  path: '/api/v1/llm-providers',
  tag,
  summary: 'Delete the provider of a name (409 while a judge uses it)',
  query: deleteLlmProviderQuery,
  responses: { 204: { description: 'Deleted', schema: null } },
  errors: [404, 409],
});
