// `npm start`: builds when there is no build or a source changed since the last one, then serves the
// standalone build (`node .next/standalone/server.js`, the same server the container runs).
//   npm start                       http://localhost:3000 (PORT, or -p 4000)
//   npm start -- -H 127.0.0.1       listen on one address only (default: every interface)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildIsCurrent } from './lib/build-freshness.mjs';

const { values } = parseArgs({
  options: { port: { type: 'string', short: 'p' }, hostname: { type: 'string', short: 'H' } },
});

// The folder you start from is the app's: its .env (not overriding what the environment sets) and,
// resolved here because the standalone server runs from its own folder, the PGlite data folder.
if (existsSync('.env')) process.loadEnvFile('.env');
const dataDir = path.resolve(process.env.RUNLEDGER_DATA_DIR || '.data/pglite');

if (buildIsCurrent()) {
  console.log('[runledger] the build is current: starting it (delete .next to force a build)');
} else {
  console.log('[runledger] building (the first start, or the sources changed since the last build)');
  const built = spawnSync('npm', ['run', 'build'], { stdio: 'inherit', shell: process.platform === 'win32' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}
// A build made by `next build` alone lacks its assets in the standalone folder: copy them.
const assets = spawnSync(process.execPath, ['scripts/standalone-assets.mjs', '--if-needed'], {
  stdio: 'inherit',
});
if (assets.status !== 0) process.exit(assets.status ?? 1);

const server = spawn(process.execPath, ['.next/standalone/server.js'], {
  stdio: 'inherit',
  env: {
    ...process.env,
    NODE_ENV: 'production',
    RUNLEDGER_DATA_DIR: dataDir,
    PORT: values.port ?? process.env.PORT ?? '3000',
    // Not the shell's HOSTNAME (a machine name): the address to listen on.
    HOSTNAME: values.hostname ?? '0.0.0.0',
  },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
