import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The layers, top to bottom: a file may import its own layer and those below, never one above.
// app (pages, routes, actions) and cli → server → db; lib, sdk and components are below server.
// A feature folder (src/features/<name>/) splits into the same layers: its server/ is server code,
// its components/ UI, its lib/ the pure code both share.
const ROOT = path.resolve(__dirname, '../../src');
const FORBIDDEN: Record<string, string[]> = {
  server: ['app', 'cli'],
  db: ['app', 'cli', 'server', 'components', 'sdk'],
  lib: ['app', 'cli', 'server', 'db', 'components', 'sdk'],
  sdk: ['app', 'cli', 'server', 'db', 'components'],
  components: ['app', 'cli', 'server', 'db'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx)$/.test(name) ? [full] : [];
  });
}

const FEATURE_PARTS: Record<string, string> = { lib: 'lib', server: 'server', components: 'components' };

/** The layer of a path relative to src/: its top folder, or the layer of a feature's part. */
function layerOf(rel: string): string {
  const [top, , part] = rel.split(path.sep);
  if (top !== 'features') return top;
  return FEATURE_PARTS[part] ?? `features/${part}`;
}

/** The layer under src/ that an import specifier of `file` lands in (null: a package). */
function targetLayer(file: string, spec: string): string | null {
  let resolved: string;
  if (spec.startsWith('@/')) resolved = path.join(ROOT, spec.slice(2));
  else if (spec.startsWith('.')) resolved = path.resolve(path.dirname(file), spec);
  else return null;
  const rel = path.relative(ROOT, resolved);
  return rel.startsWith('..') ? null : layerOf(rel);
}

const IMPORT = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function violations(): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(ROOT)) {
    const layer = layerOf(path.relative(ROOT, file));
    const forbidden = FORBIDDEN[layer];
    if (!forbidden) continue;
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const spec = m[1] ?? m[2];
      const target = targetLayer(file, spec);
      if (target && forbidden.includes(target)) found.push(`${path.relative(ROOT, file)} imports ${spec}`);
    }
  }
  return found;
}

describe('import layers', () => {
  it('no file under src imports from a layer above its own', () => {
    expect(violations()).toEqual([]);
  });

  it('every file of a feature is in its lib, server or components folder', () => {
    const strays = sourceFiles(path.join(ROOT, 'features'))
      .map((f) => path.relative(ROOT, f))
      .filter((rel) => layerOf(rel).startsWith('features'));
    expect(strays).toEqual([]);
  });

  it('sees an upward import (the check reads real imports)', () => {
    expect(targetLayer(path.join(ROOT, 'lib/x.ts'), '@/app/_lib/session')).toBe('app');
    expect(targetLayer(path.join(ROOT, 'server/a/b.ts'), '../../app/page')).toBe('app');
    expect(targetLayer(path.join(ROOT, 'server/a/b.ts'), 'drizzle-orm')).toBeNull();
    expect(targetLayer(path.join(ROOT, 'lib/x.ts'), '@/features/replay/server')).toBe('server');
    expect(targetLayer(path.join(ROOT, 'features/replay/lib/x.ts'), '../components/store')).toBe(
      'components',
    );
    expect(sourceFiles(ROOT).length).toBeGreaterThan(100);
  });
});
