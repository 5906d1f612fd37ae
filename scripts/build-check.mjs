// The test command's build (`npm test`): `npm run build` with a database that counts connections and
// a data folder that must not appear, so the suite can check that a build opens no database
// (tests/unit/build.test.ts reads the record this writes). Prints the build's output as it goes.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const RECORD = '.next/build-check.json';

let connections = 0;
// Accepts and drops: a build that tried to reach this "database" would count here and fail to connect.
const listener = createServer((socket) => {
  connections++;
  socket.destroy();
});
await new Promise((resolve) => listener.listen(0, '127.0.0.1', resolve));
const { port } = listener.address();
const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'runledger-build-')), 'pglite');

const started = Date.now();
const build = spawn('npm', ['run', 'build'], {
  env: {
    ...process.env,
    DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/none`,
    RUNLEDGER_DATA_DIR: dataDir,
    RUNLEDGER_ADMIN_PASSWORD: '',
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let log = '';
build.stdout.on('data', (d) => {
  log += d;
  process.stdout.write(d);
});
build.stderr.on('data', (d) => {
  log += d;
  process.stderr.write(d);
});
const code = await new Promise((resolve) => build.on('exit', (c) => resolve(c ?? 1)));
listener.close();

const buildId = existsSync('.next/BUILD_ID') ? readFileSync('.next/BUILD_ID', 'utf8').trim() : null;
if (existsSync('.next')) {
  writeFileSync(
    RECORD,
    `${JSON.stringify({ code, buildId, connections, dataDir, dataDirCreated: existsSync(dataDir), seconds: (Date.now() - started) / 1000, log }, null, 2)}\n`,
  );
}
console.log(
  `[build-check] build exit ${code}, database connections ${connections}, data folder created: ${existsSync(dataDir)}`,
);
process.exit(code);
