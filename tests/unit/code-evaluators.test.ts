import { describe, expect, it } from 'vitest';
import { createEvaluatorBody, evaluatorConfig } from '@/lib/contract';
import { runCodeEvaluator, transcriptOf } from '@/server/evaluators';
import type { EvaluationTarget } from '@/server/evaluators';

const target = (t: Partial<EvaluationTarget> = {}): EvaluationTarget => ({
  input: 'What is the capital of France?',
  output: 'The capital is Paris.',
  groundTruth: 'Paris',
  transcript: '',
  toolNames: [],
  latencyMs: 1200,
  costUsd: 0.002,
  hasTranscript: true,
  ...t,
});

/** Parses the config as the API would, then runs it. */
const run = (config: unknown, t: Partial<EvaluationTarget> = {}) => {
  const parsed = evaluatorConfig.parse(config);
  if (parsed.type === 'llm_judge') throw new Error('not a code evaluator');
  return runCodeEvaluator(parsed, target(t));
};
const value = (config: unknown, t: Partial<EvaluationTarget> = {}) => {
  const v = run(config, t);
  return v.kind === 'score' ? v.value : v.kind;
};

describe('code evaluators', () => {
  it('exact match and contains compare the output with the ground truth', () => {
    expect(value({ type: 'exact_match' })).toBe(false);
    expect(value({ type: 'exact_match' }, { output: ' Paris\n' })).toBe(true);
    expect(value({ type: 'exact_match' }, { output: 'paris' })).toBe(false);
    expect(value({ type: 'exact_match', caseSensitive: false }, { output: 'paris' })).toBe(true);
    expect(value({ type: 'contains' })).toBe(true);
    expect(value({ type: 'contains' }, { output: { text: 'It is Lyon' } })).toBe(false);
    expect(value({ type: 'contains' }, { groundTruth: undefined })).toBe('skip');
  });

  it('regex, JSON and JSON Schema read the output', () => {
    expect(value({ type: 'regex', pattern: '\\bparis\\b', flags: 'i' })).toBe(true);
    expect(value({ type: 'regex', pattern: '^\\d+$' })).toBe(false);
    expect(value({ type: 'json_valid' }, { output: '{"a":1}' })).toBe(true);
    expect(value({ type: 'json_valid' }, { output: '{"a":' })).toBe(false);
    expect(value({ type: 'json_valid' }, { output: { a: 1 } })).toBe(true);
    const schema = {
      type: 'object',
      properties: { city: { type: 'string' }, population: { type: 'number' } },
      required: ['city'],
    };
    expect(value({ type: 'json_schema', schema }, { output: '{"city":"Paris","population":2}' })).toBe(true);
    const failed = run({ type: 'json_schema', schema }, { output: { population: 'many' } });
    expect(failed).toMatchObject({ kind: 'score', value: false });
    expect(failed.kind === 'score' && failed.comment).toMatch(/city|population/);
  });

  it('tool called (or not), latency and cost under a bound', () => {
    const tools = { toolNames: ['search', 'getWeather'] };
    expect(value({ type: 'tool_called', toolName: 'getWeather' }, tools)).toBe(true);
    expect(value({ type: 'tool_called', toolName: 'sendEmail' }, tools)).toBe(false);
    expect(value({ type: 'tool_called', toolName: 'sendEmail', called: false }, tools)).toBe(true);
    expect(value({ type: 'tool_called', toolName: 'x' }, { hasTranscript: false })).toBe('skip');
    expect(value({ type: 'latency_under', ms: 2000 })).toBe(true);
    expect(value({ type: 'latency_under', ms: 1000 })).toBe(false);
    expect(value({ type: 'latency_under', ms: 1000 }, { latencyMs: null })).toBe('skip');
    expect(value({ type: 'cost_under', usd: 0.01 })).toBe(true);
    expect(value({ type: 'cost_under', usd: 0.001 })).toBe(false);
  });

  it('refuses configs it could not run', () => {
    expect(evaluatorConfig.safeParse({ type: 'regex', pattern: '(' }).success).toBe(false);
    expect(evaluatorConfig.safeParse({ type: 'regex', pattern: 'a', flags: 'g' }).success).toBe(false);
    expect(evaluatorConfig.safeParse({ type: 'latency_under', ms: -1 }).success).toBe(false);
    expect(evaluatorConfig.safeParse({ type: 'nope' }).success).toBe(false);
    const judge = {
      type: 'llm_judge',
      providerId: '00000000-0000-4000-8000-000000000000',
      model: 'm',
      prompt: 'p',
      min: 1,
      max: 1,
    };
    const body = createEvaluatorBody.safeParse({ name: 'j', config: judge });
    expect(body.success).toBe(false);
    expect(body.error?.issues[0]?.path).toEqual(['config', 'max']);
  });

  it('folds events into a transcript and the tools called', () => {
    const { transcript, toolNames } = transcriptOf([
      { type: 'user-message', payload: { text: 'Weather in Paris?' } },
      { type: 'tool-input-available', payload: { toolName: 'getWeather', input: { city: 'Paris' } } },
      { type: 'tool-output-available', payload: { output: { c: 21 } } },
      { type: 'text-delta', payload: { delta: 'It is ' } },
      { type: 'text-delta', payload: { delta: '21°C.' } },
    ]);
    expect(toolNames).toEqual(['getWeather']);
    expect(transcript).toBe(
      'user: Weather in Paris?\ntool call getWeather: {"city":"Paris"}\ntool result: {"c":21}\nassistant: It is 21°C.',
    );
  });
});
