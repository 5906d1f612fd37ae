import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';

it('the committed migrations match the schema (drizzle-kit generates nothing new)', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'runledger-migrations-'));
  try {
    cpSync('drizzle', out, { recursive: true });
    const before = readdirSync(out).filter((f) => f.endsWith('.sql'));
    const log = execFileSync(
      process.execPath,
      [
        'node_modules/drizzle-kit/bin.cjs',
        'generate',
        '--dialect=postgresql',
        '--schema=./src/db/schema/index.ts',
        '--casing=snake_case',
        `--out=${out}`,
      ],
      { encoding: 'utf8', stdio: 'pipe' },
    );
    const after = readdirSync(out).filter((f) => f.endsWith('.sql'));
    expect(after, `drizzle-kit wrote a new migration; run npm run db:generate and commit it\n${log}`).toEqual(
      before,
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 60_000);
