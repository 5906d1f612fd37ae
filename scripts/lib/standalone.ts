import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const STANDALONE_SERVER = '.next/standalone/server.js';

/**
 * How to run the built app as users and the container do: `node .next/standalone/server.js`, listening
 * on host:port (its PORT and HOSTNAME). Copies the build's assets into the standalone folder first when
 * they are not there yet (a build made by `next build` alone).
 */
export function standaloneServer(port: number | string, host = '127.0.0.1') {
  if (!existsSync(STANDALONE_SERVER))
    throw new Error(`${STANDALONE_SERVER} is missing: run \`npm run build\``);
  const assets = spawnSync(process.execPath, ['scripts/standalone-assets.mjs', '--if-needed'], {
    stdio: 'inherit',
  });
  if (assets.status !== 0) throw new Error('could not copy the build assets into .next/standalone');
  return { args: [STANDALONE_SERVER], env: { PORT: String(port), HOSTNAME: host } };
}
