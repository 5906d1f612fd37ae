import 'server-only';
import { hashPassword } from 'better-auth/crypto';
import type { Db } from '@/db/client';
import { users } from '@/db/schema';
import { PG_UNIQUE_VIOLATION, pgErrorCode } from '@/db/sql';
import { env } from '@/lib/env';
import { getSetting } from '../settings/app-settings';
import { isAppError } from '../errors';
import { createUser, generatePassword } from './users';

export const DEFAULT_ADMIN_EMAIL = 'admin@runledger.local';
/** Where installs from before accounts kept the admin password's scrypt hash (app_settings). */
export const LEGACY_PASSWORD_SETTING = 'admin_password_hash';

export type OwnerCreated = {
  email: string;
  /** Only when generated: print it once, it is not stored. */
  generatedPassword?: string;
  from: 'env' | 'upgrade' | 'generated';
};

/**
 * First start on a database without users: the instance admin (owner of every project) from
 * RUNLEDGER_ADMIN_EMAIL / RUNLEDGER_ADMIN_PASSWORD. Without a password, an install upgraded from the
 * single admin password keeps that password (its stored hash); a new one gets a generated password.
 * Null when a user already exists (or a concurrent start created the owner first).
 */
export async function ensureOwner(
  db: Db,
  config: { email?: string; password?: string } = {
    email: env().RUNLEDGER_ADMIN_EMAIL,
    password: env().RUNLEDGER_ADMIN_PASSWORD,
  },
): Promise<OwnerCreated | null> {
  const existing = await db.select({ id: users.id }).from(users).limit(1);
  if (existing.length > 0) return null;
  const email = config.email ?? DEFAULT_ADMIN_EMAIL;
  let created: OwnerCreated;
  let passwordHash: string;
  const legacy = await getSetting(db, LEGACY_PASSWORD_SETTING);
  if (config.password) {
    passwordHash = await hashPassword(config.password);
    created = { email, from: 'env' };
  } else if (legacy) {
    passwordHash = legacy;
    created = { email, from: 'upgrade' };
  } else {
    const password = generatePassword();
    passwordHash = await hashPassword(password);
    created = { email, generatedPassword: password, from: 'generated' };
  }
  try {
    await createUser(db, { email, name: 'Admin', passwordHash, isAdmin: true });
  } catch (err) {
    // Another process started at the same moment and created the owner: it prints the credentials.
    if ((isAppError(err) && err.code === 'conflict') || pgErrorCode(err) === PG_UNIQUE_VIOLATION) return null;
    throw err;
  }
  return created;
}
