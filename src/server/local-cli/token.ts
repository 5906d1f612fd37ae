import 'server-only';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * The CLI's way into a running server on PGlite (one process per data folder, so the CLI cannot open
 * it): the server writes this file into its data folder at start, readable by its own user only
 * (mode 0600), with its local address and a random token; the CLI, run by the same user on the same
 * machine, sends the token back. Whoever can read the file could also open the folder itself.
 */
export const LOCAL_TOKEN_FILE = 'runledger-cli.json';

export const localTokenFile = z.object({
  url: z.string().url(),
  token: z.string().min(32),
  pid: z.number().int(),
});
export type LocalToken = z.infer<typeof localTokenFile>;

/** The address the CLI should call: this server's port on the loopback interface. */
export function localServerUrl(): string {
  const origin = process.env.__NEXT_PRIVATE_ORIGIN;
  const url = new URL(origin ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`);
  // `localhost` may resolve to ::1 first while the server listens on IPv4 only; a wildcard is not
  // an address to call.
  if (['localhost', '0.0.0.0', '[::]'].includes(url.hostname)) url.hostname = '127.0.0.1';
  return url.origin;
}

/** Writes a fresh token (a new one every start) and returns a function that removes it. */
export function writeLocalToken(dataDir: string, url: string): () => void {
  const file = path.join(dataDir, LOCAL_TOKEN_FILE);
  const content: LocalToken = { url, token: randomBytes(32).toString('base64url'), pid: process.pid };
  rmSync(file, { force: true });
  writeFileSync(file, JSON.stringify(content), { mode: 0o600 });
  chmodSync(file, 0o600); // the mode above is filtered by the umask; 0600 is what must hold
  const remove = () => {
    try {
      if (readLocalToken(dataDir)?.token === content.token) rmSync(file, { force: true });
    } catch {
      // best effort at exit
    }
  };
  process.once('exit', remove);
  return remove;
}

/** The token file of a data folder, or null when there is none (or it does not parse). */
export function readLocalToken(dataDir: string): LocalToken | null {
  try {
    return localTokenFile.parse(JSON.parse(readFileSync(path.join(dataDir, LOCAL_TOKEN_FILE), 'utf8')));
  } catch {
    return null;
  }
}

/** True when `presented` is this server's current token (compared in constant time). */
export function isLocalToken(dataDir: string, presented: string | null): boolean {
  const current = readLocalToken(dataDir);
  if (!current || !presented || current.pid !== process.pid) return false;
  const a = Buffer.from(current.token);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}
