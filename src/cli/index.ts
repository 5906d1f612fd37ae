import { parseArgs } from 'node:util';
import { getConnection } from '@/db/client';
import { runMigrations } from '@/db/migrate';
import { createApiKey } from '@/server/auth';
import { seedDemo } from '@/server/demo/seed';
import { ensureProject } from '@/server/projects';

const usage = `usage: npm run cli -- <command>
  migrate                                   apply the committed migrations
  keys create --project <slug> [--name N]   create the project if missing and a key; the key is the last line
  seed-demo                                 seed the demo project (idempotent)`;

async function main(argv: string[]) {
  const [command, sub, ...rest] = argv;
  const conn = getConnection();
  try {
    await runMigrations(conn);
    if (command === 'migrate') {
      console.log(`migrations applied (${conn.driver})`);
    } else if (command === 'keys' && sub === 'create') {
      const { values } = parseArgs({
        args: rest,
        options: { project: { type: 'string' }, name: { type: 'string' } },
      });
      if (!values.project) throw new Error('--project <slug> is required');
      const project = await ensureProject(conn.db, values.project);
      const { key, apiKey } = await createApiKey(conn.db, project.id, values.name ?? 'cli');
      console.log(`project ${project.slug} (${project.id}), key ${apiKey.prefix}… created`);
      console.log(key);
    } else if (command === 'seed-demo') {
      const seeded = await seedDemo(conn.db);
      console.log(
        seeded
          ? `demo project seeded (${seeded.runs} runs, ${seeded.events} events, ${seeded.usageRows} usage rows)`
          : 'demo project already seeded: nothing to do',
      );
    } else {
      console.error(usage);
      process.exitCode = 2;
    }
  } finally {
    await conn.close();
  }
}

main(process.argv.slice(2)).catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
