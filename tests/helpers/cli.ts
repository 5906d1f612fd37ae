import { runCli } from '@/cli';
import type { DbConnection } from '@/db/client';
import type { ScriptResult } from './tsx';

/**
 * The CLI's code in this process (what `npm run cli -- …` runs, without a process and its module
 * loading per command), on `connect`'s database; stdout and stderr as the process would print them.
 */
export async function cliHere(connect: () => DbConnection, ...args: string[]): Promise<ScriptResult> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l), connect });
  const text = (lines: string[]) => lines.map((l) => `${l}\n`).join('');
  return { code, stdout: text(out), stderr: text(err) };
}
