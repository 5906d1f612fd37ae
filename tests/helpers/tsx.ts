import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

export type ScriptResult = { code: number; stdout: string; stderr: string };

/**
 * Runs a TypeScript script as the npm script that wraps it does (`tsx [node flags] script args`), in its
 * own process. `node --import tsx` is the same loader without the tsx CLI's extra parent process.
 */
export async function runTsx(args: string[], env: Record<string, string> = {}): Promise<ScriptResult> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', ...args], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
      timeout: 90_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}
