/**
 * Request checks without framework imports (unit-tested in tests/unit/request-security.test.ts).
 * Forwarded headers are believed only behind a configured proxy (RUNLEDGER_TRUST_PROXY): a direct
 * client can send any X-Forwarded-* it likes.
 */

/** The answer to a state-changing request from another site (a server action, a form post). */
export const FOREIGN_ORIGIN = 'Refused: this request did not come from this site.';

const first = (v: string | null) => v?.split(',')[0]?.trim() || null;

/** The host the browser addressed: Host, or X-Forwarded-Host when a trusted proxy sets it. */
export function requestHost(h: Headers, trustProxy: boolean): string | null {
  return (trustProxy ? first(h.get('x-forwarded-host')) : null) ?? h.get('host');
}

/**
 * A state-changing request must carry an Origin naming this host. A missing Origin, `null`, or a
 * foreign one is refused: browsers send Origin with every POST, so only forged requests lack it.
 */
export function isSameOrigin(h: Headers, trustProxy: boolean): boolean {
  const origin = h.get('origin');
  const host = requestHost(h, trustProxy);
  if (!origin || origin === 'null' || !host) return false;
  try {
    const url = new URL(origin);
    if (trustProxy) {
      const proto = first(h.get('x-forwarded-proto'));
      if (proto && `${proto}:` !== url.protocol) return false;
    }
    return url.host === host;
  } catch {
    return false;
  }
}

/** The client's address for throttling: the first X-Forwarded-For entry (see README for the limits). */
export function clientAddress(h: Headers): string | null {
  return first(h.get('x-forwarded-for')) ?? first(h.get('x-real-ip'));
}

const BASE = 'http://runledger.invalid';

/**
 * `?next=` after sign-in: a same-origin path only, judged after the URL parser normalised it (it drops
 * tabs and newlines and reads `\` as `/`, so `/%09/evil` stays a path but `/\t/evil` becomes `//evil`).
 */
export function safeNextPath(next: string | null | undefined, fallback = '/'): string {
  if (!next?.startsWith('/')) return fallback;
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE) return fallback;
  const path = url.pathname + url.search + url.hash;
  // `/.//evil` normalises to the path `//evil`, which a browser would read as another host.
  return path.startsWith('//') || path.startsWith('/\\') ? fallback : path;
}
