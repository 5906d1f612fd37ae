/**
 * Runs once per server start, before the first request: the shutdown handler, then migrations and
 * first-start setup (src/server/start-process.ts). `next build` loads this file too, to prerender;
 * a build never opens a database, so it stops here.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { isNextBuild } = await import('./lib/build-phase');
  if (isNextBuild()) return;
  const { startProcess } = await import('./server/start-process');
  await startProcess();
}
