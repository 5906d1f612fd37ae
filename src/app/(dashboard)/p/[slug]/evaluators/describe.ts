import type { EvaluatorConfig, EvaluatorFilter } from '@/lib/contract';

/** What an evaluator checks, in a few words. */
export function describeConfig(c: EvaluatorConfig, providerName: (id: string) => string): string {
  switch (c.type) {
    case 'exact_match':
      return `output = ground truth${c.caseSensitive ? '' : ' (any case)'}`;
    case 'contains':
      return `output contains ground truth${c.caseSensitive ? '' : ' (any case)'}`;
    case 'regex':
      return `output matches /${c.pattern}/${c.flags}`;
    case 'json_valid':
      return 'output is JSON';
    case 'json_schema':
      return 'output matches a JSON Schema';
    case 'tool_called':
      return `${c.toolName} ${c.called ? 'was' : 'was not'} called`;
    case 'latency_under':
      return `latency < ${c.ms} ms`;
    case 'cost_under':
      return `cost < $${c.usd}`;
    case 'llm_judge':
      return `${c.model} on ${providerName(c.providerId)}, ${c.min}–${c.max}`;
  }
}

/** Which finished runs an online evaluator takes. */
export function describeFilter(f: EvaluatorFilter, sampleRate: number): string {
  const parts = [
    f.kinds?.length ? f.kinds.join('/') : null,
    f.models?.length ? `model ${f.models.join(', ')}` : null,
    f.tags?.length ? `tag ${f.tags.join(' or ')}` : null,
    f.nameContains ? `name ~ "${f.nameContains}"` : null,
    ...Object.entries(f.metadata ?? {}).map(([k, v]) => `${k}=${v}`),
  ].filter(Boolean);
  const sample = sampleRate < 1 ? `, ${Math.round(sampleRate * 1000) / 10}% sampled` : '';
  return `${parts.length ? parts.join(', ') : 'every finished run'}${sample}`;
}
