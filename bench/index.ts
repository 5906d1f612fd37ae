/**
 * `npm run bench`: every benchmark in turn, or the ones named (`npm run bench -- quota history`).
 * Each prints its own figures and its ratio against a raw-SQL baseline measured in the same run.
 */
const benches: Record<string, () => Promise<{ main: () => Promise<unknown> }>> = {
  ingest: () => import('./ingest'),
  history: () => import('./history'),
  quota: () => import('./quota'),
  replay: () => import('./replay'),

  retention: () => import('./retention'),
  partition: () => import('./partition'),
  usage: () => import('./usage'),

  seed: () => import('./seed'),

  otlp: () => import('./otlp'),
  export: () => import('./export'),
  browser: () => import('./browser'),
  scores: () => import('./scores'),
  evaluators: () => import('./evaluators'),
  scale: () => import('./scale'),
  alerts: () => import('./alerts'),
};

async function run() {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const names = wanted.length ? wanted : Object.keys(benches);
  for (const name of names) {
    const load = benches[name];
    if (!load) {
      console.error(`unknown benchmark ${name}; known: ${Object.keys(benches).join(', ')}`);
      process.exitCode = 2;
      return;
    }
    console.log(`\n=== bench/${name} ===`);
    const t0 = Date.now();
    await (await load()).main();
    console.log(`=== bench/${name} done in ${((Date.now() - t0) / 1000).toFixed(1)} s ===`);
  }
}

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
