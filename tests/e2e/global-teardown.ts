import { rmSync } from 'node:fs';

/** Removes the PGlite folder this run's server used (the config made it in the OS temp folder). */
export default function globalTeardown() {
  const dataDir = process.env.E2E_DATA_DIR;
  if (dataDir?.includes('runledger-e2e-')) rmSync(dataDir, { recursive: true, force: true });
}
