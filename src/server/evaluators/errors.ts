import 'server-only';
import { APICallError } from 'ai';
import { isDatabaseUnavailable } from '../unavailable';

/** A failed evaluation: `retry` when another attempt may succeed (a timeout, a 5xx, a malformed answer). */
export class EvaluationError extends Error {
  readonly retry: boolean;
  constructor(message: string, retry: boolean) {
    super(message);
    this.name = 'EvaluationError';
    this.retry = retry;
  }
}

/** The longest error text kept on a job. */
const MAX_ERROR_CHARS = 500;

/** Whether to try again, and the message recorded on the job (short; never a request body or key). */
export function classifyError(err: unknown): { retry: boolean; message: string } {
  const cut = (s: string) => s.slice(0, MAX_ERROR_CHARS);
  if (err instanceof EvaluationError) return { retry: err.retry, message: cut(err.message) };
  if (APICallError.isInstance(err)) {
    const status = err.statusCode ? `HTTP ${err.statusCode}` : 'no answer';
    // A 2xx whose body could not be read (malformed JSON) may well read next time.
    const unreadable = err.statusCode !== undefined && err.statusCode < 300;
    return {
      retry: err.isRetryable || unreadable,
      message: cut(`The model call failed (${status}): ${err.message}`),
    };
  }
  if (isDatabaseUnavailable(err)) return { retry: true, message: 'The database could not be reached' };
  const e = err as { name?: string; message?: string };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError')
    return { retry: true, message: 'The model did not answer in time' };
  if (e?.name === 'AppError') return { retry: false, message: cut(String(e.message)) };
  // Anything else (an answer that is not the expected object, a bug): retried, then recorded.
  return { retry: true, message: cut(`${e?.name ?? 'Error'}: ${e?.message ?? String(err)}`) };
}
