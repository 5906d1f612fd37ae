import 'server-only';
import { z } from 'zod';
import type { EvaluatorConfig } from '@/lib/contract';
import type { EvaluationTarget } from './target';

/** A verdict: a score to write, or a reason not to score (nothing to compare with). */
export type Verdict =
  | { kind: 'score'; value: number | boolean; comment: string | null }
  | { kind: 'skip'; reason: string };

/** The longest text a code evaluator reads; a longer output is cut, keeping a regex check quick. */
export const CODE_TEXT_MAX_CHARS = 100_000;

/** A value as text: a string as is, an object's `text` string, else its JSON. */
export function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { text?: unknown }).text === 'string')
    return (value as { text: string }).text;
  return value === undefined ? '' : JSON.stringify(value);
}

const pass = (ok: boolean, comment: string | null = null): Verdict => ({
  kind: 'score',
  value: ok,
  comment,
});

const fold = (s: string, caseSensitive: boolean) => (caseSensitive ? s : s.toLowerCase());

/** Parses the output as JSON: an object or array output already is; a string is parsed. */
function outputJson(output: unknown): { ok: true; value: unknown } | { ok: false; error: string } {
  if (typeof output !== 'string') return { ok: true, value: output ?? null };
  try {
    return { ok: true, value: JSON.parse(output) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

/** Runs a built-in code evaluator: synchronous, no network, no database. */
export function runCodeEvaluator(
  config: Exclude<EvaluatorConfig, { type: 'llm_judge' }>,
  target: EvaluationTarget,
): Verdict {
  const output = asText(target.output).slice(0, CODE_TEXT_MAX_CHARS);
  switch (config.type) {
    case 'exact_match':
    case 'contains': {
      if (target.groundTruth === undefined || target.groundTruth === null)
        return { kind: 'skip', reason: 'No ground truth to compare with' };
      const expected = fold(asText(target.groundTruth).trim(), config.caseSensitive);
      const actual = fold(output.trim(), config.caseSensitive);
      return pass(config.type === 'exact_match' ? actual === expected : actual.includes(expected));
    }
    case 'regex':
      return pass(new RegExp(config.pattern, config.flags).test(output));
    case 'json_valid': {
      const parsed = outputJson(target.output);
      return parsed.ok ? pass(true) : pass(false, `Not JSON: ${parsed.error}`);
    }
    case 'json_schema': {
      const parsed = outputJson(target.output);
      if (!parsed.ok) return pass(false, `Not JSON: ${parsed.error}`);
      const schema = z.fromJSONSchema(config.schema as Parameters<typeof z.fromJSONSchema>[0]);
      const checked = schema.safeParse(parsed.value);
      if (checked.success) return pass(true);
      const issues = checked.error.issues
        .slice(0, 5)
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
      return pass(false, issues.join('; '));
    }
    case 'tool_called': {
      if (!target.hasTranscript) return { kind: 'skip', reason: 'A dataset result has no tool calls' };
      const called = target.toolNames.includes(config.toolName);
      return pass(called === config.called, called ? `${config.toolName} was called` : null);
    }
    case 'latency_under':
      if (target.latencyMs === null) return { kind: 'skip', reason: 'The latency is unknown' };
      return pass(target.latencyMs < config.ms, `${Math.round(target.latencyMs)} ms`);
    case 'cost_under':
      if (target.costUsd === null) return { kind: 'skip', reason: 'The cost is unknown' };
      return pass(target.costUsd < config.usd, `$${target.costUsd}`);
  }
}
