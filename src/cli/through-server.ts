import { readLocalToken } from '@/server/local-cli/token';

/**
 * `keys create` while a server holds the PGlite folder: asks that server, with the token it keeps in
 * the folder (readable by the same user only). Returns the lines to print, or throws a one-line error.
 */
export async function createKeyThroughServer(
  dataDir: string,
  command: { project: string; name: string },
): Promise<string[]> {
  const local = readLocalToken(dataDir);
  if (!local) {
    throw new Error(
      `the server is running on this folder (${dataDir}) but has not written its CLI token yet; ` +
        'wait until it has started, or create the key in the dashboard (Settings → API keys)',
    );
  }
  let res: Response;
  try {
    res = await fetch(`${local.url}/local/cli/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${local.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ project: command.project, name: command.name }),
    });
  } catch (err) {
    throw new Error(`the server holding ${dataDir} did not answer at ${local.url} (${String(err)})`);
  }
  const body = (await res.json().catch(() => null)) as {
    lines?: string[];
    error?: { message?: string };
  } | null;
  if (!res.ok || !body?.lines) {
    throw new Error(`the server refused: ${body?.error?.message ?? `HTTP ${res.status}`}`);
  }
  return body.lines;
}
