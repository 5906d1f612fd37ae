import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { standaloneServer } from './standalone';

export type BuiltApp = {
  baseUrl: string;
  /** Everything the server printed so far (stdout and stderr). */
  logs: () => string;
  /** Stops the server (SIGTERM, SIGKILL after 5 s), then runs `cleanup`. */
  stop: () => Promise<void>;
  /** The server's process id (for tests that kill it). */
  pid: number;
  /** Resolves with the exit code (or signal) once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

export type StartBuiltAppOptions = {
  /** Added to the environment; the database settings (DATABASE_URL or RUNLEDGER_DATA_DIR) go here. */
  env: Record<string, string>;
  /** Node flags for the server process, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  /** Runs after the server stopped: removes its data folder or database. */
  cleanup?: () => Promise<void>;
  /** Who needs the build, for the error message when it is missing. */
  purpose?: string;
  /**
   * `healthy` (default): wait until /api/health answers 200. `listening`: until it answers at all (a
   * server started while its database is down answers 503).
   */
  readiness?: 'healthy' | 'listening';
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts the BUILT app (the standalone server, one node process so it stops cleanly) on a free port and waits
 * until /api/health answers. Shared by the HTTP integration tests and the benchmarks.
 */
export async function startBuiltApp(opts: StartBuiltAppOptions): Promise<BuiltApp> {
  if (!existsSync('.next/BUILD_ID')) {
    await opts.cleanup?.();
    throw new Error(`${opts.purpose ?? 'This'} needs the built app: run \`npm run build\` first`);
  }
  const port = await freePort();
  const server = standaloneServer(port);
  const child: ChildProcess = spawn(process.execPath, [...(opts.nodeArgs ?? []), ...server.args], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      RUNLEDGER_SEED_DEMO: '0',
      ...server.env,
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );

  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    await opts.cleanup?.();
  };

  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`the server exited early:\n${output}`);
    }
    try {
      const res = await fetch(`${baseUrl}/api/health`);
      if (res.ok || opts.readiness === 'listening') break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the server did not become ready:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { baseUrl, logs: () => output, stop, pid: child.pid!, exited };
}
