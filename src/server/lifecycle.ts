import 'server-only';
import { getConnection } from '@/db/client';
import { stopEvaluators } from './evaluators/start';
import { stopWebhooks } from './webhooks/start';
import { serviceUnavailable } from './unavailable';

/** Shared through globalThis: Next.js may load this module once per bundle (routes, instrumentation). */
type Lifecycle = { draining: boolean; inFlight: number; onIdle: (() => void) | null };
const globalForLife = globalThis as unknown as { __runledgerLife?: Lifecycle };

function life(): Lifecycle {
  globalForLife.__runledgerLife ??= { draining: false, inFlight: 0, onIdle: null };
  return globalForLife.__runledgerLife;
}

/** How long a shutdown waits for requests in flight before it closes the database anyway. */
const DRAIN_TIMEOUT_MS = 7_000;
/** The process exits by then, whatever is still open (keep-alive clients, a stuck request). */
const EXIT_TIMEOUT_MS = 9_500;

export function isDraining(): boolean {
  return life().draining;
}

/**
 * Runs one API request, counted so that a shutdown can wait for it. Once shutting down, a new request
 * is answered 503 (Retry-After) without touching the database, and every answer asks the client to
 * close its keep-alive connection, so that the HTTP server can finish closing.
 */
export async function trackRequest(
  run: () => Promise<Response>,
  onError: (err: unknown) => Response,
): Promise<Response> {
  const l = life();
  let res: Response;
  if (l.draining) {
    res = onError(serviceUnavailable('The server is shutting down; retry shortly', 1));
  } else {
    l.inFlight++;
    try {
      res = await run();
    } finally {
      l.inFlight--;
      if (l.inFlight === 0) l.onIdle?.();
    }
  }
  if (l.draining) {
    try {
      res.headers.set('connection', 'close');
    } catch {
      // immutable headers (a proxied Response): the server still closes idle connections
    }
  }
  return res;
}

function waitIdle(timeoutMs: number): Promise<boolean> {
  const l = life();
  if (l.inFlight === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    l.onIdle = () => {
      clearTimeout(timer);
      resolve(true);
    };
  });
}

/**
 * Graceful shutdown on SIGTERM/SIGINT, in front of Next.js's own handler: stop taking requests (503),
 * wait for those in flight, stop the evaluator job (after its pass under way), close the pool or PGlite (which also releases its folder lock), then let
 * Next.js close the HTTP server and exit. A timer forces the exit after 9.5 s, because Next.js waits for
 * every keep-alive connection to close.
 */
export function installShutdownHandler(): void {
  const g = globalThis as unknown as { __runledgerShutdownInstalled?: boolean };
  if (g.__runledgerShutdownInstalled) return;
  g.__runledgerShutdownInstalled = true;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    const frameworkHandlers = process.listeners(signal);
    process.removeAllListeners(signal);
    process.once(signal, () => {
      const t0 = Date.now();
      const l = life();
      l.draining = true;
      setTimeout(() => {
        console.error(`[runledger] ${signal}: still open after ${EXIT_TIMEOUT_MS} ms, exiting now`);
        process.exit(1);
      }, EXIT_TIMEOUT_MS).unref();
      console.log(`[runledger] ${signal}: shutting down (${l.inFlight} requests in flight)`);
      void (async () => {
        const idle = await waitIdle(DRAIN_TIMEOUT_MS);
        if (!idle) console.error(`[runledger] ${l.inFlight} requests still in flight; closing anyway`);
        // A delivery under way may wait on a slow receiver: its lease lets another process retry it.
        await Promise.race([
          stopWebhooks().catch(() => {}),
          new Promise((r) => setTimeout(r, 2_000).unref()),
        ]);
        try {
          await stopEvaluators();
        } catch (err) {
          console.error('[runledger] stopping the evaluator job failed', err);
        }
        try {
          await getConnection().close();
          console.log(`[runledger] database closed ${Date.now() - t0} ms after ${signal}`);
        } catch (err) {
          console.error('[runledger] closing the database failed', err);
        }
        if (frameworkHandlers.length === 0) process.exit(0);
        for (const handler of frameworkHandlers) (handler as (s: NodeJS.Signals) => void)(signal);
      })();
    });
  }
}
