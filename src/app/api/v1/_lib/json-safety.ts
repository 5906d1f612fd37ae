import { AppError } from '@/server/errors';

/** Deeper JSON is refused: Postgres (jsonb) and zod walk it recursively, and no real payload needs it. */
export const MAX_JSON_DEPTH = 100;

// Postgres cannot store U+0000 (in text or jsonb), and jsonb refuses an escaped lone surrogate.
const NUL_ESCAPE = /\\u0000/i;
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

type Problem = { path: string[]; message: string };

function badString(s: string): string | null {
  if (s.includes('\u0000')) return 'contains the NUL character (\\u0000), which cannot be stored';
  if (LONE_SURROGATE.test(s)) return 'contains a lone UTF-16 surrogate, which is not valid Unicode';
  return null;
}

/**
 * Checks a parsed JSON body for what the database would refuse with an error: NUL characters, lone
 * surrogates (in keys or values) and nesting deeper than MAX_JSON_DEPTH. The string checks only run when
 * the raw text contains such an escape, so the common case costs one walk for the depth.
 */
export function assertStorableJson(value: unknown, rawText: string): void {
  const checkStrings = NUL_ESCAPE.test(rawText) || SURROGATE_ESCAPE.test(rawText);
  const problem = walk(value, [], checkStrings);
  if (problem) {
    const at = problem.path.length ? ` at ${problem.path.join('.')}` : '';
    throw new AppError('bad_request', `Invalid body${at}: ${problem.message}`, [
      { path: problem.path, code: 'invalid_value', message: problem.message },
    ]);
  }
}

// One mutable path (push/pop) so the common case allocates nothing per node.
function walk(value: unknown, path: string[], checkStrings: boolean): Problem | null {
  if (path.length > MAX_JSON_DEPTH) {
    return { path: path.slice(0, 10), message: `JSON is nested deeper than ${MAX_JSON_DEPTH} levels` };
  }
  if (typeof value === 'string') {
    const msg = checkStrings ? badString(value) : null;
    return msg ? { path: [...path], message: `the string ${msg}` } : null;
  }
  if (value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      if (item === null || (typeof item !== 'object' && (!checkStrings || typeof item !== 'string')))
        continue;
      path.push(String(i));
      const p = walk(item, path, checkStrings);
      path.pop();
      if (p) return p;
    }
    return null;
  }
  for (const key in value) {
    if (checkStrings) {
      const msg = badString(key);
      if (msg) return { path: [...path, key], message: `the key ${msg}` };
    }
    const item = (value as Record<string, unknown>)[key];
    if (item === null || (typeof item !== 'object' && (!checkStrings || typeof item !== 'string'))) continue;
    path.push(key);
    const p = walk(item, path, checkStrings);
    path.pop();
    if (p) return p;
  }
  return null;
}

/** Query values go into SQL text comparisons: NUL cannot be stored or compared there either. */
export function assertStorableQuery(query: Record<string, string>): void {
  for (const [key, v] of Object.entries(query)) {
    if (v.includes('\u0000') || key.includes('\u0000')) {
      throw new AppError('bad_request', `Invalid query parameters at ${key}: contains the NUL character`, [
        { path: [key], code: 'invalid_value', message: 'contains the NUL character' },
      ]);
    }
  }
}
