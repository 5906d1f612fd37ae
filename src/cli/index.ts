import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { DbConnection } from '@/db/client';
import { isDataDirLocked } from '@/db/pglite-lock';
import { projectRoles as ROLES } from '@/lib/enums';
import { projectSlug } from '@/lib/project-slug';

const usage = `usage: npm run cli -- <command>
  migrate                                   apply the committed migrations
  keys create --project <slug> [--name N]   create the project if missing and a key; the key is the last line
  users create --email E --project P --role viewer|editor|owner [--name N]
                                            create the user (printing a one-time password to change)
                                            or, for an existing user, set their role in the project
  seed-demo                                 seed the demo project (idempotent)`;

type Command =
  | { kind: 'migrate' }
  | { kind: 'keys-create'; project: string; name: string }
  | { kind: 'users-create'; email: string; project: string; role: (typeof ROLES)[number]; name?: string }
  | { kind: 'seed-demo' };

/** A one-line reason when `slug` cannot name a project (the slug rule's own words), else null. */
function badSlug(slug: string): string | null {
  if (projectSlug.safeParse(slug).success) return null;
  return `--project ${JSON.stringify(slug)} is not a project slug: use 2 to 64 lowercase letters, digits and dashes, starting with a letter or digit`;
}

/** Reads the command line before any database is opened, so bad usage fails at once. */
function parseCommand(argv: string[]): Command | { kind: 'error'; message: string; exitCode: number } {
  const [command, sub, ...rest] = argv;
  if (command === 'migrate') return { kind: 'migrate' };
  if (command === 'seed-demo') return { kind: 'seed-demo' };
  if (command === 'keys' && sub === 'create') {
    try {
      const { values } = parseArgs({
        args: rest,
        options: { project: { type: 'string' }, name: { type: 'string' } },
      });
      if (!values.project) return { kind: 'error', message: '--project <slug> is required', exitCode: 1 };
      const slugError = badSlug(values.project);
      if (slugError) return { kind: 'error', message: slugError, exitCode: 1 };
      return { kind: 'keys-create', project: values.project, name: values.name ?? 'cli' };
    } catch (err) {
      return { kind: 'error', message: err instanceof Error ? err.message : String(err), exitCode: 1 };
    }
  }
  if (command === 'users' && sub === 'create') {
    try {
      const { values } = parseArgs({
        args: rest,
        options: {
          email: { type: 'string' },
          project: { type: 'string' },
          role: { type: 'string' },
          name: { type: 'string' },
        },
      });
      const role = ROLES.find((r) => r === values.role);
      if (!values.email || !values.project || !role) {
        return {
          kind: 'error',
          message: `--email, --project and --role (${ROLES.join('|')}) are required`,
          exitCode: 1,
        };
      }
      const slugError = badSlug(values.project);
      if (slugError) return { kind: 'error', message: slugError, exitCode: 1 };
      return { kind: 'users-create', email: values.email, project: values.project, role, name: values.name };
    } catch (err) {
      return { kind: 'error', message: err instanceof Error ? err.message : String(err), exitCode: 1 };
    }
  }
  return { kind: 'error', message: usage, exitCode: 2 };
}

/** Where a command prints, and the database it opens (the environment's by default). */
export type CliIo = {
  out: (line: string) => void;
  err: (line: string) => void;
  connect?: () => DbConnection;
};

/** Runs a command; resolves to its exit code, or rejects with what `failure` reports. */
async function main(argv: string[], io: CliIo): Promise<number> {
  const command = parseCommand(argv);
  if (command.kind === 'error') {
    io.err(command.message);
    return command.exitCode;
  }
  // The database code is loaded only for a command that will use it: bad usage answers at once.
  const [
    { getConnection },
    { runMigrations },
    { createUser, generatePassword, getUserByEmail },
    { writeAudit },
    { putMember },
    { seedDemo },
    { cliKeyLines, createCliKey },
    { ensureProject },
    { createKeyThroughServer },
  ] = await Promise.all([
    import('@/db/client'),
    import('@/db/migrate'),
    import('@/server/accounts/users'),
    import('@/server/audit'),
    import('@/server/members'),
    import('@/server/demo/seed'),
    import('@/server/local-cli/keys'),
    import('@/server/projects'),
    import('./through-server'),
  ]);
  let conn: DbConnection;
  try {
    conn = (io.connect ?? getConnection)();
  } catch (err) {
    // A server holds the PGlite folder: a key can still be made, by that server.
    if (!isDataDirLocked(err) || command.kind !== 'keys-create') throw err;
    for (const line of await createKeyThroughServer(err.dataDir, command)) io.out(line);
    return 0;
  }
  try {
    await runMigrations(conn);
    if (command.kind === 'migrate') {
      io.out(`migrations applied (${conn.driver})`);
    } else if (command.kind === 'keys-create') {
      const created = await createCliKey(conn.db, command.project, command.name);
      for (const line of cliKeyLines(created)) io.out(line);
    } else if (command.kind === 'users-create') {
      const project = await ensureProject(conn.db, command.project);
      const password = generatePassword();
      const created = await conn.db.transaction(async (tx) => {
        const existing = await getUserByEmail(tx, command.email);
        const user =
          existing ??
          (await createUser(tx, { email: command.email, name: command.name ?? command.email, password }));
        await putMember(tx, project.id, user.id, command.role);
        await writeAudit(tx, {
          projectId: project.id,
          actor: 'cli',
          action: existing ? 'member.changed' : 'member.added',
          target: user.email,
          after: { role: command.role },
        });
        return { user, isNew: !existing };
      });
      io.out(`${created.user.email} is ${command.role} of ${project.slug}`);
      if (created.isNew) {
        io.out('sign in with this password (shown once; change it under Settings → Account):');
        io.out(password);
      }
    } else {
      const seeded = await seedDemo(conn.db);
      io.out(
        seeded
          ? `demo project seeded (${seeded.runs} runs, ${seeded.events} events, ${seeded.usageRows} usage rows)`
          : 'demo project already seeded: nothing to do',
      );
    }
  } finally {
    await conn.close();
  }
  return 0;
}

/** The message and exit code for an error a command threw. */
function failure(err: unknown): { message: string; code: number } {
  if (isDataDirLocked(err)) {
    // PGlite is single-process: writing a folder that a live server holds would corrupt it.
    return {
      message:
        `the server is running on this folder (${err.dataDir}, process ${err.holder.pid}); ` +
        'stop the server and run this again (`keys create` works while it runs)',
      code: 3,
    };
  }
  return { message: err instanceof Error ? err.message : String(err), code: 1 };
}

/** The CLI in this process (the tests' way in): what it prints goes to `io`; resolves to the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    return await main(argv, io);
  } catch (err) {
    const { message, code } = failure(err);
    io.err(message);
    return code;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const io: CliIo = { out: (line) => console.log(line), err: (line) => console.error(line) };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      const { message, code } = failure(err);
      console.error(message);
      process.exit(code);
    },
  );
}
