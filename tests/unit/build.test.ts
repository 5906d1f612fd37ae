/**
 * The test command's build (scripts/build-check.mjs: `npm run build` pointed at a "database" that
 * counts connections, and at a data folder that must not appear) opened no database, printed no
 * sign-in and no warning.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const recordFile = path.join(root, '.next/build-check.json');
const NEXT_CI_CACHE_ADVICE =
  /^\s*⚠ No build cache found\. Please configure build caching for faster rebuilds\./;

type Record = {
  code: number;
  buildId: string | null;
  connections: number;
  dataDir: string;
  dataDirCreated: boolean;
  log: string;
};

function record(): Record {
  if (!existsSync(recordFile)) {
    throw new Error('no record of a checked build: run `npm run build:check` (npm test does)');
  }
  const found = JSON.parse(readFileSync(recordFile, 'utf8')) as Record;
  const buildId = readFileSync(path.join(root, '.next/BUILD_ID'), 'utf8').trim();
  if (found.buildId !== buildId) {
    throw new Error('the current build was not made by `npm run build:check`: run it (npm test does)');
  }
  return found;
}

describe('npm run build', () => {
  it('completes without opening a database or creating a data folder', () => {
    const r = record();
    expect(r.code, r.log).toBe(0);
    expect(r.connections, 'connections to DATABASE_URL during the build').toBe(0);
    expect(r.dataDirCreated, `${r.dataDir} exists`).toBe(false);
  });

  it('prints no sign-in, no startup work, no warning and no error', () => {
    const { log } = record();
    expect(log).not.toMatch(/password/i);
    expect(log).not.toContain('[runledger]');
    // On a CI machine (CI set) whose checkout has no `.next/cache` yet, Next advises caching that folder
    // between CI runs: about the CI's setup, not the app; every other warning counts.
    const lines = log.split('\n').filter((line) => !NEXT_CI_CACHE_ADVICE.test(line));
    expect(lines.join('\n')).not.toMatch(/warn|⚠|error|telemetry/i);
  });
});
