import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILD_STAMP, buildIsCurrent } from '../../scripts/lib/build-freshness.mjs';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A folder with sources at `sourcesAt` and, unless null, a build stamp at `builtAt` (seconds). */
function project(sourcesAt: number, builtAt: number | null): string {
  const root = mkdtempSync(path.join(tmpdir(), 'runledger-fresh-'));
  dirs.push(root);
  mkdirSync(path.join(root, 'src/app'), { recursive: true });
  for (const file of ['src/app/page.tsx', 'package.json']) {
    writeFileSync(path.join(root, file), 'x');
    utimesSync(path.join(root, file), sourcesAt, sourcesAt);
  }
  for (const dir of ['src/app', 'src']) utimesSync(path.join(root, dir), sourcesAt, sourcesAt);
  if (builtAt !== null) {
    mkdirSync(path.dirname(path.join(root, BUILD_STAMP)), { recursive: true });
    writeFileSync(path.join(root, BUILD_STAMP), 'build-id');
    utimesSync(path.join(root, BUILD_STAMP), builtAt, builtAt);
  }
  return root;
}

describe('npm start: is the build current?', () => {
  it('no build: build', () => expect(buildIsCurrent(project(1_000, null))).toBe(false));
  it('a build newer than every source: serve it', () =>
    expect(buildIsCurrent(project(1_000, 2_000))).toBe(true));
  it('a source changed after the build: build again', () => {
    const root = project(1_000, 2_000);
    utimesSync(path.join(root, 'src/app/page.tsx'), 3_000, 3_000);
    expect(buildIsCurrent(root)).toBe(false);
  });
});
