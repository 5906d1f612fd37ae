import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { expect, it } from 'vitest';

const packageDir = path.resolve(import.meta.dirname, '../../../packages/sdk');
const pkg = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as {
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
};

/** Every module specifier a source file imports or re-exports (static and dynamic). */
function specifiers(source: string): string[] {
  const found = [
    ...source.matchAll(/\b(?:import|export)\s[^'";]*?from\s+'([^']+)'/g),
    ...source.matchAll(/\bimport\s*\(\s*'([^']+)'\s*\)/g),
    ...source.matchAll(/^import\s+'([^']+)'/gm),
  ];
  return found.map((m) => m[1]!);
}

it('@runledger/sdk imports nothing outside its folder but its declared peers and Node built-ins', () => {
  const src = path.join(packageDir, 'src');
  const allowed = new Set([
    ...Object.keys(pkg.dependencies ?? {}),
    ...Object.keys(pkg.peerDependencies ?? {}),
  ]);
  const outside: string[] = [];
  for (const file of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.ts')) continue;
    for (const spec of specifiers(readFileSync(path.join(src, file), 'utf8'))) {
      if (
        spec.startsWith('./') &&
        !path.relative(src, path.resolve(src, path.dirname(file), spec)).startsWith('..')
      )
        continue;
      const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
      if (allowed.has(name) || builtinModules.includes(spec.replace(/^node:/, ''))) continue;
      outside.push(`${file}: ${spec}`);
    }
  }
  expect(outside).toEqual([]);
  expect(pkg.dependencies ?? {}).toEqual({});
});
