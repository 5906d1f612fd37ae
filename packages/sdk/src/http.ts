import { errorStatus } from './contract.gen';
import { RunledgerError, type RunledgerErrorCode } from './errors';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** Options of one call; every client method accepts them as its last argument. */
export type RequestOptions = {
  /** Aborts the call (and its retries). */
  signal?: AbortSignal;
};

export type RetryPolicy = {
  /** Retries after the first attempt (0 = no retry). */
  maxRetries: number;
  /** First backoff; doubles at each retry, with full jitter. */
  baseDelayMs: number;
  /** Cap of one backoff. */
  maxDelayMs: number;
};

export type TransportOptions = {
  baseUrl: string;
  apiKey: string;
  fetch: FetchLike;
  timeoutMs: number;
  retry: RetryPolicy;
};

export type HttpRequest = {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined | null>;
  body?: unknown;
  /** Only idempotent requests are retried (network errors and 5xx). */
  idempotent: boolean;
  /**
   * Statuses that count as success on a retry: a DELETE whose first attempt went through but whose
   * answer was lost gets a 404 the second time.
   */
  okOnRetry?: number[];
  signal?: AbortSignal;
};

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal.reason));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal?.reason));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

const abortError = (cause: unknown) =>
  new RunledgerError({ status: 0, code: 'aborted', message: 'The request was aborted', cause });

/** Exponential backoff with full jitter: a random delay in [0, min(max, base * 2^attempt)]. */
export function backoffDelay(attempt: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>) {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.random() * ceiling;
}

/** Runs `fn` until it succeeds, a non-transient error occurs, or `maxRetries` retries are spent. */
export async function withRetries<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  signal?: AbortSignal,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      const transient = err instanceof RunledgerError && err.transient;
      if (!transient || attempt >= policy.maxRetries || signal?.aborted) throw err;
      // A 503 says when to come back (Retry-After): wait at least that long, within the policy's cap.
      const asked = err.status === 503 ? (err.retryAfterSeconds ?? 0) * 1000 : 0;
      await sleep(Math.max(backoffDelay(attempt, policy), Math.min(asked, policy.maxDelayMs)), signal);
    }
  }
}

export class Transport {
  constructor(private readonly opts: TransportOptions) {}

  /** Sends one request (with retries when idempotent) and returns the parsed JSON body (`undefined` on 204). */
  async request<T>(req: HttpRequest): Promise<T> {
    const policy = req.idempotent ? this.opts.retry : { ...this.opts.retry, maxRetries: 0 };
    return withRetries(
      async (attempt) => {
        try {
          return await this.once<T>(req);
        } catch (err) {
          if (attempt > 0 && err instanceof RunledgerError && req.okOnRetry?.includes(err.status)) {
            return undefined as T;
          }
          throw err;
        }
      },
      policy,
      req.signal,
    );
  }

  private url(req: HttpRequest): string {
    const url = new URL(this.opts.baseUrl.replace(/\/+$/, '') + req.path);
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined && value !== null) url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  private async once<T>(req: HttpRequest): Promise<T> {
    const timeout = AbortSignal.timeout(this.opts.timeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.opts.apiKey}`,
      accept: 'application/json',
    };
    if (req.body !== undefined) headers['content-type'] = 'application/json';

    let res: Response;
    let text: string;
    try {
      res = await this.opts.fetch(this.url(req), {
        method: req.method,
        headers,
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal,
      });
      text = await res.text();
    } catch (err) {
      if (req.signal?.aborted) throw abortError(req.signal.reason);
      if (timeout.aborted) {
        throw new RunledgerError({
          status: 0,
          code: 'timeout',
          message: `${req.method} ${req.path} got no answer within ${this.opts.timeoutMs} ms`,
          cause: err,
        });
      }
      throw new RunledgerError({
        status: 0,
        code: 'network_error',
        message: `${req.method} ${req.path} failed: ${err instanceof Error ? err.message : String(err)}`,
        cause: err,
      });
    }

    if (res.ok) {
      if (res.status === 204 || text === '') return undefined as T;
      try {
        return JSON.parse(text) as T;
      } catch (err) {
        throw new RunledgerError({
          status: res.status,
          code: 'unexpected_response',
          message: `${req.method} ${req.path} answered ${res.status} with a body that is not JSON`,
          cause: err,
        });
      }
    }
    throw errorFromResponse(req, res, text);
  }
}

/** The code of a status, for answers whose body is not the contract's (a proxy's error page, say). */
const fallbackCodes = new Map<number, RunledgerErrorCode>(
  Object.entries(errorStatus)
    // 5xx answers are `internal` below; a 405 without the contract's body is not runledger's.
    .filter(([code]) => code !== 'internal' && code !== 'method_not_allowed')
    .map(([code, status]) => [status, code as RunledgerErrorCode]),
);

function errorFromResponse(req: HttpRequest, res: Response, text: string): RunledgerError {
  const retryAfter = Number.parseInt(res.headers.get('retry-after') ?? '', 10);
  const retryAfterSeconds = Number.isFinite(retryAfter) ? retryAfter : undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const error = (parsed as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)
    ?.error;
  if (error && typeof error.code === 'string' && typeof error.message === 'string') {
    return new RunledgerError({
      status: res.status,
      code: error.code as RunledgerErrorCode,
      message: error.message,
      details: error.details,
      retryAfterSeconds,
    });
  }
  return new RunledgerError({
    status: res.status,
    code: fallbackCodes.get(res.status) ?? (res.status >= 500 ? 'internal' : 'unexpected_response'),
    message: `${req.method} ${req.path} answered ${res.status} ${res.statusText}`.trim(),
    details: text.slice(0, 500) || undefined,
    retryAfterSeconds,
  });
}
