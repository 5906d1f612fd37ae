import 'server-only';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResolvedHost } from './address';

export type PostResult = { status: number | null; durationMs: number; error: string | null };

/**
 * POSTs a JSON body to the address already checked for the URL's host (TLS still verifies the host
 * name). Redirects are not followed (a 3xx is an answer like any other), the answer's body is
 * discarded, and the whole exchange is bounded by `timeoutMs`. Never throws.
 */
export function postJson(
  url: URL,
  to: ResolvedHost,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<PostResult> {
  const t0 = performance.now();
  const elapsed = () => Math.round(performance.now() - t0);
  const pinned: LookupFunction = (_host, opts, cb) => {
    if ((opts as { all?: boolean }).all)
      (cb as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [to]);
    else cb(null, to.address, to.family);
  };
  return new Promise((resolve) => {
    const request = (url.protocol === 'https:' ? https : http).request(url, {
      method: 'POST',
      lookup: pinned,
      headers: {
        ...headers,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'user-agent': 'runledger-webhooks',
      },
      signal: AbortSignal.timeout(timeoutMs),
    });
    request.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? null, durationMs: elapsed(), error: null }));
      res.on('error', () => resolve({ status: res.statusCode ?? null, durationMs: elapsed(), error: null }));
    });
    request.on('error', (err) => {
      const timedOut = err.name === 'AbortError' || err.name === 'TimeoutError';
      resolve({
        status: null,
        durationMs: elapsed(),
        error: timedOut ? `No answer within ${timeoutMs / 1000} s` : err.message.slice(0, 300),
      });
    });
    request.end(body);
  });
}
