import 'server-only';
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { DbOrTx } from '@/db/client';
import { env } from '@/lib/env';
import { getSetting, setSettingOnce } from '../settings/app-settings';

const SETTING = 'secret_key';
const FORMAT = 'v1';

let cachedKey: { from: string; key: Buffer } | undefined;

/**
 * The 32-byte key secrets are encrypted under: derived (HKDF-SHA256) from RUNLEDGER_SECRET_KEY, or from
 * a random secret generated on first use and stored in app_settings (as the session secret is).
 */
async function secretKey(db: DbOrTx): Promise<Buffer> {
  const from =
    env().RUNLEDGER_SECRET_KEY ??
    (await getSetting(db, SETTING)) ??
    (await setSettingOnce(db, SETTING, randomBytes(32).toString('base64url')));
  if (cachedKey?.from !== from) {
    const key = Buffer.from(hkdfSync('sha256', from, 'runledger', 'stored secrets', 32));
    cachedKey = { from, key };
  }
  return cachedKey.key;
}

/**
 * AES-256-GCM with a random 96-bit nonce; `context` (e.g. the row id) is authenticated with it, so a
 * ciphertext copied to another row does not decrypt.
 */
export async function encryptSecret(db: DbOrTx, plain: string, context: string): Promise<string> {
  const key = await secretKey(db);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  const parts = [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url'));
  return [FORMAT, ...parts].join(':');
}

/** The plain secret; throws when the key changed since it was stored or the text was altered. */
export async function decryptSecret(db: DbOrTx, stored: string, context: string): Promise<string> {
  const [format, iv, tag, body] = stored.split(':');
  if (format !== FORMAT || !iv || !tag || body === undefined) throw new Error('Unknown secret format');
  const decipher = createDecipheriv('aes-256-gcm', await secretKey(db), Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}
