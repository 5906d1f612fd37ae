import type { EvaluatorType } from '@/lib/enums';

const num = (v: FormDataEntryValue | null) => (v === null || String(v).trim() === '' ? undefined : Number(v));
const str = (v: FormDataEntryValue | null) => (v === null ? undefined : String(v));

/** The config object of the type's fields (the server parses it with the API's schema). */
export function readConfig(type: EvaluatorType, f: FormData): Record<string, unknown> {
  switch (type) {
    case 'exact_match':
    case 'contains':
      return { type, caseSensitive: f.get('caseSensitive') === 'on' };
    case 'regex':
      return { type, pattern: str(f.get('pattern')), flags: str(f.get('flags')) ?? '' };
    case 'json_valid':
      return { type };
    case 'json_schema': {
      let schema: unknown = str(f.get('schema'));
      try {
        schema = JSON.parse(String(schema));
      } catch {
        // Sent as text: the server answers that it is not a JSON Schema.
      }
      return { type, schema };
    }
    case 'tool_called':
      return { type, toolName: str(f.get('toolName')), called: f.get('called') !== 'false' };
    case 'latency_under':
      return { type, ms: num(f.get('ms')) };
    case 'cost_under':
      return { type, usd: num(f.get('usd')) };
    case 'llm_judge':
      return {
        type,
        providerId: str(f.get('providerId')),
        model: str(f.get('model')),
        prompt: str(f.get('prompt')),
        min: num(f.get('min')),
        max: num(f.get('max')),
      };
  }
}
