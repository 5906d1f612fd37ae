import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { envSchema } from '@/lib/env';

const root = path.resolve(import.meta.dirname, '../..');

/** The `NAME=value` lines of .env.example (comments and blank lines left out). */
function exampleSettings(): Map<string, string> {
  const lines = readFileSync(path.join(root, '.env.example'), 'utf8').split('\n');
  const settings = new Map<string, string>();
  for (const line of lines) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m) settings.set(m[1]!, m[2]!);
  }
  return settings;
}

describe('.env.example', () => {
  it('lists every setting of src/lib/env.ts, and nothing else', () => {
    expect([...exampleSettings().keys()].sort()).toEqual(Object.keys(envSchema.shape).sort());
  });

  it('gives each setting its default (empty where the setting has none)', () => {
    const defaults = envSchema.parse({}) as Record<string, unknown>;
    for (const [name, value] of exampleSettings()) {
      const expected = defaults[name] === undefined ? '' : String(defaults[name]);
      expect(value, name).toBe(expected);
    }
  });

  it('parses as a valid configuration when copied to .env unchanged', () => {
    const set = Object.fromEntries([...exampleSettings()].filter(([, v]) => v !== ''));
    expect(envSchema.safeParse(set).success).toBe(true);
  });
});
