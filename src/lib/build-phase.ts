/**
 * True inside `next build` (Next.js sets NEXT_PHASE for the build and its prerendering workers, and
 * loads instrumentation.ts there too). Nothing in a build may open a database: startup work happens
 * when a server starts, and a page that reads data must be dynamic.
 */
export function isNextBuild(): boolean {
  // next/constants' PHASE_PRODUCTION_BUILD; the literal keeps src/db and src/lib free of Next.js imports.
  return process.env.NEXT_PHASE === 'phase-production-build';
}
