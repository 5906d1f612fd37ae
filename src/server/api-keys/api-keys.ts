import 'server-only';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { queryRowsPrepared } from '@/db/sql';
import { type ApiKey, apiKeys } from '@/db/schema';
import { notFound } from '../errors';
import { type ApiKeyCache, apiKeyCache, type VerifiedKey } from './key-cache';

const KEY_PATTERN = /^rl_[A-Za-z0-9_-]{32,}$/;

export const hashApiKey = (key: string) => createHash('sha256').update(key).digest('hex');

/** Creates a key: `rl_` + 43 URL-safe random characters (32 bytes). The plain key is returned once. */
export async function createApiKey(
  db: DbOrTx,
  projectId: string,
  name = 'default',
): Promise<{ key: string; apiKey: ApiKey }> {
  const key = `rl_${randomBytes(32).toString('base64url')}`;
  const [apiKey] = await db
    .insert(apiKeys)
    .values({ projectId, name, prefix: key.slice(0, 10), hash: hashApiKey(key) })
    .returning();
  return { key, apiKey: apiKey! };
}

export async function listApiKeys(db: DbOrTx, projectId: string): Promise<ApiKey[]> {
  return db.select().from(apiKeys).where(eq(apiKeys.projectId, projectId)).orderBy(desc(apiKeys.createdAt));
}

/** Revokes a key: at once in this process, within RUNLEDGER_API_KEY_CACHE_SECONDS in the others. */
export async function revokeApiKey(
  db: DbOrTx,
  projectId: string,
  keyId: string,
  cache: ApiKeyCache = apiKeyCache(),
): Promise<ApiKey> {
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.projectId, projectId), isNull(apiKeys.revokedAt)))
    .returning();
  if (!row) throw notFound('API key');
  cache.forget(row.id);
  return row;
}

/**
 * The project a plain key belongs to (with the key's id and name), or null for a malformed, unknown or revoked key. A key verified
 * in the last RUNLEDGER_API_KEY_CACHE_SECONDS is answered from memory (see ApiKeyCache).
 */
export async function verifyApiKey(
  db: DbOrTx,
  key: string,
  cache: ApiKeyCache = apiKeyCache(),
): Promise<VerifiedKey | null> {
  if (!KEY_PATTERN.test(key)) return null;
  const hash = hashApiKey(key);
  const cached = cache.get(hash);
  if (cached) return cached;
  // Every API request runs this: a prepared statement (one round trip on postgres.js, not two).
  const [row] = await queryRowsPrepared<{
    id: string;
    project_id: string;
    name: string;
    hash: string;
    revoked: boolean;
    stale: boolean;
  }>(
    db,
    sql`select id, project_id, name, hash, revoked_at is not null as revoked,
          (last_used_at is null or last_used_at < now() - interval '1 minute') as stale
        from api_keys where hash = ${hash}`,
  );
  if (!row || row.revoked) return null;
  // The lookup is by hash; compare again in constant time so no code path depends on a partial match.
  if (!timingSafeEqual(Buffer.from(row.hash, 'hex'), Buffer.from(hash, 'hex'))) return null;
  // last_used_at is advisory: update at most once a minute to keep writes off the hot path.
  if (row.stale) {
    await db
      .update(apiKeys)
      .set({ lastUsedAt: new Date() })
      .where(and(eq(apiKeys.projectId, row.project_id), eq(apiKeys.id, row.id)));
  }
  const verified = { projectId: row.project_id, keyId: row.id, keyName: row.name };
  cache.set(hash, verified);
  return verified;
}
