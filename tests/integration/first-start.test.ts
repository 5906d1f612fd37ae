/**
 * A real first start of the built server on an empty PGlite folder: the sign-in block printed once,
 * after the server is ready; and `cli keys create` while that server holds the folder.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectPglite } from '@/db/client';
import { LOCAL_TOKEN_FILE } from '@/server/local-cli/token';
import { type BuiltApp, startBuiltApp } from '../../scripts/lib/built-app';
import { cliHere } from '../helpers/cli';

describe('first start on PGlite', () => {
  let dataDir: string;
  let app: BuiltApp;

  beforeAll(async () => {
    dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'runledger-first-')), 'pglite');
    app = await startBuiltApp({
      purpose: 'The first-start test',
      env: { DATABASE_URL: '', RUNLEDGER_DATA_DIR: dataDir, RUNLEDGER_ADMIN_PASSWORD: '' },
    });
  });
  afterAll(async () => {
    await app?.stop();
    rmSync(path.dirname(dataDir), { recursive: true, force: true });
  });

  it('prints the sign-in once, framed, after the server is ready', () => {
    const logs = app.logs();
    const banner = /┌─+┐\n│ runledger is ready\. Sign in at (\S+) +│\n[\s\S]*?└─+┘/.exec(logs);
    expect(banner, logs).not.toBeNull();
    expect(banner![1]).toMatch(/^http:\/\/localhost:\d+\/login$/);
    expect(banner![0]).toMatch(/│ email +admin@runledger\.local +│/);
    expect(banner![0]).toMatch(/│ password +[A-Za-z0-9_-]{24} +│/);
    expect(logs.indexOf('Ready in')).toBeGreaterThanOrEqual(0);
    expect(logs.indexOf('Ready in')).toBeLessThan(banner!.index);
    expect(logs.match(/runledger is ready/g)).toHaveLength(1);
  });

  it('keeps a CLI token in its data folder, readable by its user only', () => {
    const file = path.join(dataDir, LOCAL_TOKEN_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('cli keys create works while the server holds the folder, and the key works', async () => {
    const made = await cliHere(
      () => connectPglite(dataDir),
      'keys',
      'create',
      '--project',
      'live-cli',
      '--name',
      'from-cli',
    );
    expect(made.code, made.stderr).toBe(0);
    const key = made.stdout.trimEnd().split('\n').at(-1)!;
    expect(key).toMatch(/^rl_[A-Za-z0-9_-]{32,}$/);
    expect(made.stdout).toMatch(/project live-cli \([0-9a-f-]{36}\), key rl_\S*… created/);
    const res = await fetch(`${app.baseUrl}/api/v1/runs`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
  }, 120_000);

  it('refuses the local CLI route without the token', async () => {
    const res = await fetch(`${app.baseUrl}/local/cli/keys`, {
      method: 'POST',
      headers: { authorization: 'Bearer not-the-token', 'content-type': 'application/json' },
      body: JSON.stringify({ project: 'x', name: 'y' }),
    });
    expect(res.status).toBe(401);
  });

  it('does not print the sign-in again on the next start, and removes its token when it stops', async () => {
    await app.stop();
    expect(existsSync(path.join(dataDir, LOCAL_TOKEN_FILE))).toBe(false);
    app = await startBuiltApp({
      purpose: 'The first-start test',
      env: { DATABASE_URL: '', RUNLEDGER_DATA_DIR: dataDir, RUNLEDGER_ADMIN_PASSWORD: '' },
    });
    expect(app.logs()).not.toContain('runledger is ready');
    expect(app.logs()).not.toMatch(/password/i);
  }, 120_000);
});
