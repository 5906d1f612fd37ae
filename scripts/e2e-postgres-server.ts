/**
 * The browser tests' server on the Postgres server: creates a fresh database, runs the built app
 * (the standalone server) on it, and drops the database when the app stops. Playwright starts it as a webServer
 * (see playwright.config.ts) and stops it with SIGTERM.
 *   node --import tsx scripts/e2e-postgres-server.ts <port>
 * E2E_POSTGRES_SERVER_URL names the server; E2E_POSTGRES_DATABASE the database to create.
 */
import { spawn, spawnSync } from 'node:child_process';
import { standaloneServer } from './lib/standalone';
import postgres from 'postgres';
import { adminUrl, withDatabase } from './lib/pg-url';

const serverUrl = process.env.E2E_POSTGRES_SERVER_URL;
const database = process.env.E2E_POSTGRES_DATABASE;
const port = process.argv[2];
if (!serverUrl || !database || !/^[a-z0-9_]+$/.test(database) || !port) {
  console.error('usage: E2E_POSTGRES_SERVER_URL=… E2E_POSTGRES_DATABASE=… e2e-postgres-server.ts <port>');
  process.exit(2);
}

const admin = postgres(adminUrl(serverUrl), { max: 1, onnotice: () => {} });
await admin.unsafe(`create database "${database}"`);
const databaseUrl = withDatabase(serverUrl, database);
console.log(`[e2e] created database ${database}`);

// The fixed runs the specs rely on, written before the app starts (tests/e2e/fixtures/seed.ts).
const seed = spawnSync(
  process.execPath,
  ['--conditions=react-server', '--import', 'tsx', 'tests/e2e/fixtures/seed.ts'],
  { env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: 'inherit' },
);
if (seed.status !== 0) {
  // Without the fixtures every spec would fail later for no visible reason: stop here, loudly.
  console.error('[e2e] seeding the fixtures failed');
  await admin.unsafe(`drop database if exists "${database}" with (force)`);
  await admin.end();
  process.exit(1);
}

const server = standaloneServer(port);
const app = spawn(process.execPath, server.args, {
  env: { ...process.env, ...server.env, DATABASE_URL: databaseUrl },
  stdio: 'inherit',
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => app.kill('SIGTERM'));

app.on('exit', async (code) => {
  try {
    await admin.unsafe(`drop database if exists "${database}" with (force)`);
    console.log(`[e2e] dropped database ${database}`);
  } finally {
    await admin.end();
    process.exit(code ?? 0);
  }
});
