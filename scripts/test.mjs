// The test command (`npm test`): lint; then the build beside the Vitest files that need no build; once
// the build is complete, Playwright beside the Vitest files that start the built app. Each runner alone
// leaves about half of two cores idle (its tests wait on servers, databases and the browser), so side by
// side they take much less than one after the other. Every line is prefixed with its runner's name.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BUILD_STATUS_ENV, writeBuildStatus } from './lib/build-status.mjs';

const started = Date.now();
const seconds = (since) => Math.round((Date.now() - since) / 1000);
const children = new Set();
const outcomes = [];

/** Runs `npm run <script>`, each output line prefixed; resolves with whether it passed. */
function run(name, script, env = {}) {
  const since = Date.now();
  const child = spawn('npm', ['run', '--silent', script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const prefix = `[${name}] `.padEnd(8);
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop();
      for (const line of lines) process.stdout.write(`${prefix}${line}\n`);
    });
    stream.on('end', () => rest && process.stdout.write(`${prefix}${rest}\n`));
  }
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      children.delete(child);
      const passed = code === 0;
      outcomes.push(
        `${name} ${passed ? 'passed' : `FAILED (${signal ?? `exit ${code}`})`} in ${seconds(since)} s`,
      );
      resolve(passed);
    });
  });
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const child of children) child.kill(signal);
    process.exit(1);
  });
}

function finish(passed) {
  console.log(`\n[test] ${outcomes.join('; ')}; ${seconds(started)} s in all`);
  process.exit(passed ? 0 : 1);
}

if (!(await run('lint', 'lint'))) finish(false);

const statusDir = mkdtempSync(path.join(tmpdir(), 'runledger-test-build-'));
const statusFile = path.join(statusDir, 'status.json');
const unit = run('unit', 'test:unit', { [BUILD_STATUS_ENV]: statusFile });
const built = await run('build', 'build:check');
writeBuildStatus(statusFile, built);
const e2e = built ? await run('e2e', 'test:e2e') : false;
const unitPassed = await unit;
rmSync(statusDir, { recursive: true, force: true });
finish(built && e2e && unitPassed);
