// How the test command (scripts/test.mjs) tells the Vitest files that start the built app when the build
// it runs beside them has ended: it names a file in RUNLEDGER_BUILD_STATUS and writes the outcome there.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export const BUILD_STATUS_ENV = 'RUNLEDGER_BUILD_STATUS';

/** Written by the test command once the build has ended. */
export function writeBuildStatus(file, ok) {
  writeFileSync(file, JSON.stringify({ ok }));
}

/**
 * Resolves once the build that the test command runs is complete (at once when no build is running
 * beside the caller); throws if that build failed.
 */
export async function buildFinished() {
  const file = process.env[BUILD_STATUS_ENV];
  if (!file) return;
  while (!existsSync(file)) await new Promise((resolve) => setTimeout(resolve, 250));
  if (!JSON.parse(readFileSync(file, 'utf8')).ok) throw new Error('the build failed (see its output above)');
}
