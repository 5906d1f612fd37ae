/**
 * The Dockerfile and compose.yaml, read as Docker would (no Docker daemon on the test machine: the
 * image is not built here). What they copy out of the build exists in the build the suite made, the
 * server they start is there, and compose wires the app to its Postgres the way the images expect.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { envSchema } from '@/lib/env';

const root = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

type Instruction = { op: string; args: string };

/** Dockerfile instructions, continuation lines joined, comments dropped. */
function instructions(text: string): Instruction[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [op, ...rest] = l.split(/\s+/);
      return { op: op!.toUpperCase(), args: rest.join(' ') };
    });
}

describe('Dockerfile', () => {
  const steps = instructions(read('Dockerfile'));
  const stages = steps.filter((s) => s.op === 'FROM');
  const runner = steps.slice(steps.findIndex((s) => s.op === 'FROM' && s.args.endsWith('AS runner')));

  it('builds on the official Node.js image and runs the build script, with no database', () => {
    expect(stages[0]!.args).toMatch(/^node:\d+-alpine AS base$/);
    expect(steps.some((s) => s.op === 'RUN' && /\bnpm run build\b/.test(s.args))).toBe(true);
    expect(steps.some((s) => s.op === 'ENV' && /DATABASE_URL/.test(s.args))).toBe(false);
  });

  it('copies from the builder only paths the build makes, into the standalone layout', () => {
    const copies = runner.filter((s) => s.op === 'COPY' && s.args.includes('--from=builder'));
    expect(copies.length).toBeGreaterThanOrEqual(3);
    for (const copy of copies) {
      const [from] = copy.args.replace(/--\S+/g, '').trim().split(/\s+/);
      const local = path.join(root, from!.replace(/^\/app\//, ''));
      expect(existsSync(local), `${from} (run npm run build first)`).toBe(true);
    }
    const standalone = path.join(root, '.next/standalone');
    // What the standalone server needs at run time: itself, the migrations, PGlite's WASM and data.
    for (const file of [
      'server.js',
      'drizzle/meta/_journal.json',
      'node_modules/@electric-sql/pglite/dist/pglite.wasm',
      'node_modules/@electric-sql/pglite/dist/pglite.data',
      'node_modules/@electric-sql/pglite/dist/pg_trgm.tar.gz',
    ]) {
      expect(existsSync(path.join(standalone, file)), file).toBe(true);
    }
  });

  it('runs the standalone server as a non-root user, listening on every interface', () => {
    expect(runner.find((s) => s.op === 'USER')?.args).toBe('nextjs');
    expect(runner.find((s) => s.op === 'CMD')?.args).toBe('["node", "server.js"]');
    const env = runner.filter((s) => s.op === 'ENV').map((s) => s.args);
    expect(env).toContain('HOSTNAME=0.0.0.0');
    expect(env).toContain('NEXT_TELEMETRY_DISABLED=1');
    expect(env).toContain('RUNLEDGER_DATA_DIR=/app/data/pglite');
    expect(runner.find((s) => s.op === 'HEALTHCHECK')?.args).toContain('/api/health');
  });
});

describe('compose.yaml', () => {
  const compose = parse(read('compose.yaml')) as {
    services: Record<string, Record<string, unknown>>;
    volumes: Record<string, unknown>;
  };

  it('runs the app on Postgres, started once Postgres is healthy', () => {
    const { app, db } = compose.services;
    expect(app!.build).toBe('.');
    expect(app!.depends_on).toEqual({ db: { condition: 'service_healthy' } });
    expect(String(db!.image)).toMatch(/^postgres:\d+$/);
    expect((db!.healthcheck as { test: string[] }).test.join(' ')).toContain('pg_isready');
    const dbEnv = db!.environment as Record<string, string>;
    const url = new URL(
      (app!.environment as Record<string, string>).DATABASE_URL!.replace(/\$\{(\w+):-([^}]*)\}/g, '$2'),
    );
    expect(url.hostname).toBe('db');
    expect(url.username).toBe(dbEnv.POSTGRES_USER);
    expect(url.pathname).toBe(`/${dbEnv.POSTGRES_DB}`);
    expect(db!.volumes).toEqual(['pgdata:/var/lib/postgresql/data']);
    expect(Object.keys(compose.volumes)).toEqual(['pgdata']);
  });

  it('passes only settings runledger knows', () => {
    const names = Object.keys(compose.services.app!.environment as object);
    const known = Object.keys(envSchema.shape);
    expect(names.filter((n) => !known.includes(n))).toEqual([]);
  });
});
