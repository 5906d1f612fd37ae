import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { createApiKey, revokeApiKey, verifyApiKey } from '@/server/api-keys';
import { ApiKeyCache } from '@/server/api-keys/key-cache';
import { describeEachDb } from '../helpers/db';
import { makeProject } from '../helpers/fixtures';

const TTL = 10_000;

/** Two server processes: each its own cache, both on the one database, with a clock the test moves. */
function twoProcesses() {
  let now = 1_000_000;
  const clock = () => now;
  return {
    a: new ApiKeyCache(TTL, clock),
    b: new ApiKeyCache(TTL, clock),
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describeEachDb('verified API keys kept in memory for a bounded time', ({ db }) => {
  it('answers from memory, and a key revoked elsewhere stops working within the bound', async () => {
    const p = await makeProject(db());
    const { key, apiKey } = await createApiKey(db(), p.id);
    const { a, advance } = twoProcesses();
    const want = { projectId: p.id, keyId: apiKey.id, keyName: apiKey.name };
    expect(await verifyApiKey(db(), key, a)).toEqual(want);
    // Revoked in the database by another process: this one still trusts its entry, for a while only.
    await db().execute(sql`update api_keys set revoked_at = now() where id = ${apiKey.id}::uuid`);
    expect(await verifyApiKey(db(), key, a)).toEqual(want);
    advance(TTL - 1);
    expect(await verifyApiKey(db(), key, a)).toEqual(want);
    advance(1);
    expect(await verifyApiKey(db(), key, a)).toBeNull();
    // Not cached once refused.
    expect(await verifyApiKey(db(), key, a)).toBeNull();
  });

  it('revokes at once in the process that revoked, within the bound in the others', async () => {
    const p = await makeProject(db());
    const { key, apiKey } = await createApiKey(db(), p.id);
    const { key: other } = await createApiKey(db(), p.id, 'other');
    const { a, b, advance } = twoProcesses();
    expect(await verifyApiKey(db(), key, a)).not.toBeNull();
    expect(await verifyApiKey(db(), key, b)).not.toBeNull();
    expect(await verifyApiKey(db(), other, a)).not.toBeNull();
    await revokeApiKey(db(), p.id, apiKey.id, a);
    expect(await verifyApiKey(db(), key, a)).toBeNull();
    expect(await verifyApiKey(db(), key, b)).not.toBeNull();
    advance(TTL);
    expect(await verifyApiKey(db(), key, b)).toBeNull();
    // The project's other key is untouched.
    expect(await verifyApiKey(db(), other, a)).toEqual({
      projectId: p.id,
      keyId: expect.any(String),
      keyName: expect.any(String),
    });
  });

  it('looks every request up with the cache off (0 seconds)', async () => {
    const p = await makeProject(db());
    const { key, apiKey } = await createApiKey(db(), p.id);
    const off = new ApiKeyCache(0);
    expect(await verifyApiKey(db(), key, off)).not.toBeNull();
    await db().execute(sql`update api_keys set revoked_at = now() where id = ${apiKey.id}::uuid`);
    expect(await verifyApiKey(db(), key, off)).toBeNull();
  });
});
