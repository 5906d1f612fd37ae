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
    expect(log).not.toMatch(/warn|⚠|error|telemetry/i);
  });
});
