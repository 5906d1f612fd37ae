import 'server-only';
import { env } from '@/lib/env';

export type VerifiedKey = { projectId: string; keyId: string; keyName: string };

/** Keys verified at once in one process, at most (the oldest go first). */
const MAX_ENTRIES = 10_000;

/**
 * Verified API keys kept in this process's memory for a bounded time, so a request does not wait for
 * the key's lookup. Keyed by the key's hash. Only valid keys are kept; a key revoked in this process is
 * dropped at once (forget); one revoked through another server process stops working when its entry
 * expires: within `ttlMs` everywhere. `now` is passed in by tests.
 */
export class ApiKeyCache {
  private readonly entries = new Map<string, VerifiedKey & { until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(hash: string): VerifiedKey | null {
    const hit = this.entries.get(hash);
    if (!hit) return null;
    if (hit.until <= this.now()) {
      this.entries.delete(hash);
      return null;
    }
    return { projectId: hit.projectId, keyId: hit.keyId, keyName: hit.keyName };
  }

  set(hash: string, key: VerifiedKey): void {
    if (this.ttlMs <= 0) return;
    this.entries.delete(hash);
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(hash, { ...key, until: this.now() + this.ttlMs });
  }

  /** Drops a key (revoked in this process). */
  forget(keyId: string): void {
    for (const [hash, e] of this.entries) if (e.keyId === keyId) this.entries.delete(hash);
  }
}

const CACHE = Symbol.for('runledger.apiKeyCache');

/**
 * This process's cache (RUNLEDGER_API_KEY_CACHE_SECONDS; 0: every request looks its key up). Kept on
 * globalThis: Next.js bundles route handlers and server actions separately, each with its own copy of
 * this module, and a key revoked from the dashboard must leave the API's cache too.
 */
export function apiKeyCache(): ApiKeyCache {
  const slot = globalThis as { [CACHE]?: ApiKeyCache };
  slot[CACHE] ??= new ApiKeyCache(env().RUNLEDGER_API_KEY_CACHE_SECONDS * 1000);
  return slot[CACHE];
}
