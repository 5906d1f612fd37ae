import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')) as {
  engines: { node: string };
  devDependencies: Record<string, string>;
};

it('runs on the Node the project pins (the `node` devDependency npm scripts put first on PATH)', () => {
  const pinnedMajor = pkg.devDependencies.node!.replace(/^\D*/, '').split('.')[0];
  expect(process.version.split('.')[0]).toBe(`v${pinnedMajor}`);
  // ...which the declared engines range admits.
  const floor = Number(pkg.engines.node.replace(/^>=\s*/, ''));
  expect(Number(pinnedMajor)).toBeGreaterThanOrEqual(floor);
});
