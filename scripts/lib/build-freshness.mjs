// Whether the standalone build in a folder is newer than every source it is made from (scripts/start.mjs).
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** Written by scripts/standalone-assets.mjs once a build is complete. */
export const BUILD_STAMP = '.next/standalone/.runledger-build';
/** What a build is made from: a change to any of these makes `npm start` build again. */
export const BUILD_INPUTS = [
  'src',
  'public',
  'drizzle',
  'package.json',
  'package-lock.json',
  'next.config.ts',
  'tsconfig.json',
  'postcss.config.mjs',
];

function newestChange(entry) {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of readdirSync(entry)) newest = Math.max(newest, newestChange(path.join(entry, name)));
  return newest;
}

/** True when `root` has a complete build and no input changed after it. */
export function buildIsCurrent(root = '.') {
  const stamp = path.join(root, BUILD_STAMP);
  if (!existsSync(stamp)) return false;
  const built = statSync(stamp).mtimeMs;
  return BUILD_INPUTS.every((input) => newestChange(path.join(root, input)) <= built);
}
