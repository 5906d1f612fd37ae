/**
 * @runledger/sdk as a user gets it: `npm pack` the workspace, install the tarball into a new app in a
 * temporary folder outside the repository (with registry packages only besides it), type-check a
 * consumer under `moduleResolution` nodenext and bundler, run it against the built server and find
 * its runs stored. publint and Are the Types Wrong check the same tarball.
 */
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../../helpers/server';
import { sharedServer } from '../../helpers/shared-server';

const root = path.resolve(import.meta.dirname, '../../..');
const packageDir = path.join(root, 'packages/sdk');
const fixture = path.join(root, 'tests/fixtures/sdk-consumer/consumer.ts');

/** Runs a command; its output (both streams) is in the error when it fails. */
async function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  try {
    const { stdout } = await promisify(execFile)(cmd, args, {
      cwd,
      env: { ...process.env, ...env },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${cmd} ${args.join(' ')} failed in ${cwd}:\n${e.stdout ?? ''}\n${e.stderr ?? e.message}`,
    );
  }
}

/** The version of a package the repository has installed: in npm's cache already, so installs are quick. */
const installed = (name: string) =>
  (
    JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;

type Packed = {
  filename: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: { path: string }[];
};

const tsconfig = (moduleResolution: 'nodenext' | 'bundler') => ({
  compilerOptions: {
    target: 'ES2022',
    module: moduleResolution === 'nodenext' ? 'nodenext' : 'preserve',
    moduleResolution,
    strict: true,
    // As most apps have it (`tsc --init`, Next.js): ai@7's own declarations need @types/json-schema
    // otherwise. The consumer's @ts-expect-error lines fail if the SDK's types did not resolve.
    skipLibCheck: true,
    noEmit: true,
    allowImportingTsExtensions: true,
    types: ['node'],
    lib: ['ES2023', 'DOM'],
  },
  files: ['consumer.ts'],
});

describe('@runledger/sdk packed, installed in a new app and run against the built server', () => {
  let work: string;
  let packed: Packed;
  let app: TestServer | undefined;
  let key: string;
  const timings: Record<string, number> = {};
  const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    try {
      return await fn();
    } finally {
      timings[name] = Math.round(performance.now() - start);
    }
  };

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'runledger-sdk-consumer-'));
    // The run's shared server (a project of this suite's own): a server of its own cost a start.
    const startServer = timed('server start', async () => {
      app = await sharedServer('pglite');
      key = app.keys.main!;
    });
    const packAndInstall = timed('pack + install', async () => {
      // The build `prepack` runs before `npm publish`, run first so that npm's JSON is all pack prints.
      await timed('sdk build', () => run('npm', ['run', 'build'], packageDir));
      const out = await run(
        'npm',
        ['pack', '--json', '--ignore-scripts', '--pack-destination', work],
        packageDir,
      );
      packed = (JSON.parse(out) as Packed[])[0]!;
      writeFileSync(
        path.join(work, 'package.json'),
        JSON.stringify({
          name: 'sdk-consumer',
          private: true,
          type: 'module',
          dependencies: {
            '@runledger/sdk': `file:./${packed.filename}`,
            ai: installed('ai'),
            typescript: installed('typescript'),
            '@types/node': installed('@types/node'),
          },
        }),
      );
      copyFileSync(fixture, path.join(work, 'consumer.ts'));
      for (const mode of ['nodenext', 'bundler'] as const)
        writeFileSync(path.join(work, `tsconfig.${mode}.json`), JSON.stringify(tsconfig(mode)));
      await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], work);
    });
    await Promise.all([startServer, packAndInstall]);
  }, 240_000);

  afterAll(async () => {
    if (work) rmSync(work, { recursive: true, force: true });
    console.log(`SDK package test timings (ms): ${JSON.stringify(timings)}`);
  });

  it('packs the built code, its declarations and README only', () => {
    const files = packed.files.map((f) => f.path).sort();
    console.log(
      `@runledger/sdk tarball: ${packed.filename}, ${(packed.size / 1024).toFixed(1)} kB packed, ` +
        `${(packed.unpackedSize / 1024).toFixed(1)} kB unpacked, ${packed.entryCount} files: ${files.join(', ')}`,
    );
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/index.d.ts');
    expect(files).toContain('dist/telemetry.js');
    expect(files).toContain('README.md');
    for (const file of files) expect(file).toMatch(/^(dist\/[\w.-]+\.(js|d\.ts)|package\.json|README\.md)$/);
    expect(files.filter((f) => /test|bench|spec|fixture/i.test(f))).toEqual([]);
  });

  it('passes publint and Are the Types Wrong (ESM only)', async () => {
    const tarball = path.join(work, packed.filename);
    await timed('publint + attw', () =>
      Promise.all([
        run(
          process.execPath,
          [path.join(root, 'node_modules/publint/src/cli.js'), '--strict', packageDir],
          root,
        ),
        run(
          process.execPath,
          [
            path.join(root, 'node_modules/@arethetypeswrong/cli/dist/index.js'),
            tarball,
            '--profile',
            'esm-only',
          ],
          root,
        ),
      ]),
    );
  });

  it.each(['nodenext', 'bundler'] as const)(
    'type-checks a consumer under moduleResolution %s',
    async (mode) => {
      await timed(`tsc ${mode}`, () =>
        run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', `tsconfig.${mode}.json`], work),
      );
    },
  );

  it('runs the consumer: its runs are stored, on the Node the project pins', async () => {
    const out = await timed('consumer run', () =>
      run(process.execPath, ['consumer.ts'], work, { RUNLEDGER_URL: app!.baseUrl, RUNLEDGER_API_KEY: key }),
    );
    const result = JSON.parse(out.trim().split('\n').at(-1)!) as {
      node: string;
      runId: string;
      status: string;
      missing: string;
    };
    expect(result.status).toBe('succeeded');
    expect(result.missing).toBe('not_found');

    const api = (p: string) => fetch(`${app!.baseUrl}${p}`, { headers: { authorization: `Bearer ${key}` } });
    const stored = (await (await api(`/api/v1/runs/${result.runId}`)).json()) as {
      run: { name: string; status: string; output: unknown; eventCount: number };
    };
    expect(stored.run).toMatchObject({ name: 'packed-sdk consumer', status: 'succeeded', output: 'Yes.' });
    const events = (await (await api(`/api/v1/runs/${result.runId}/events`)).json()) as {
      data: { seq: number; type: string; payload: unknown }[];
    };
    expect(events.data.map((e) => e.type)).toEqual([
      'user-message',
      'start',
      'text-start',
      'text-delta',
      'text-end',
      'finish',
    ]);
    expect(events.data[0]!.payload).toEqual({ text: 'Is the packed SDK installed?' });

    const byTelemetry = (await (await api('/api/v1/runs?userId=consumer-telemetry')).json()) as {
      data: { model: string | null; status: string; outputTokens: number }[];
    };
    expect(byTelemetry.data).toEqual([
      expect.objectContaining({ model: 'mock-consumer', status: 'succeeded', outputTokens: 4 }),
    ]);

    // The consumer, the server and this test all ran on the Node the project pins (package.json's `node`).
    const pinned = (
      JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
        devDependencies: Record<string, string>;
      }
    ).devDependencies.node!;
    const major = pinned.replace(/^\D*/, '').split('.')[0];
    expect(result.node.split('.')[0]).toBe(`v${major}`);
    expect(process.version.split('.')[0]).toBe(`v${major}`);
    expect(readlinkSync(`/proc/${app!.pid}/exe`)).toBe(realpathSync(process.execPath));
  });
});
