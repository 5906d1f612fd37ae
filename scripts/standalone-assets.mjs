// After `next build`: completes `.next/standalone` (the server and the node_modules files it uses)
// with what Next.js leaves for a CDN to serve, the client assets and `public/`, so that
// `node .next/standalone/server.js` serves the whole app. The Dockerfile copies the same folders.
// `--if-needed`: only when the copy is not of the current build (the test servers and `npm start`).
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const standalone = '.next/standalone';
/** Holds the BUILD_ID the copy was made for; scripts/start.mjs compares its time with the sources'. */
const STAMP = `${standalone}/.runledger-build`;

if (!existsSync(`${standalone}/server.js`)) {
  console.error(`${standalone}/server.js is missing: run \`npm run build\` first`);
  process.exit(1);
}
const buildId = readFileSync('.next/BUILD_ID', 'utf8').trim();
const current = existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === buildId;
if (!(process.argv.includes('--if-needed') && current)) {
  for (const [from, to] of [
    ['.next/static', `${standalone}/.next/static`],
    ['public', `${standalone}/public`],
  ]) {
    rmSync(to, { recursive: true, force: true });
    if (existsSync(from)) cpSync(from, to, { recursive: true });
  }
  writeFileSync(STAMP, `${buildId}\n`);
}
