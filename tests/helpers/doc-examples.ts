import { spawn } from 'node:child_process';

/** One shell example of a Markdown guide: its code, the status the guide says it answers, and the answer shown. */
export type DocExample = { line: number; code: string; status?: number; response?: unknown };

const FENCE = /^```(\w*)\s*$/;

/**
 * The `sh` blocks of a guide, in order. The block holding `export RL_KEY=` is the setup a reader pastes
 * once; every other block may be followed by a line `→ \`NNN\`` (the status its last request answers)
 * and then a `json` block (the answer, whose shape must match).
 */
export function docExamples(markdown: string): { setup: string; examples: DocExample[] } {
  const lines = markdown.split('\n');
  const blocks: { lang: string; start: number; end: number; code: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    let j = i + 1;
    while (j < lines.length && lines[j]!.trim() !== '```') j++;
    blocks.push({ lang: open[1]!, start: i, end: j, code: lines.slice(i + 1, j).join('\n') });
    i = j;
  }
  let setup = '';
  const examples: DocExample[] = [];
  for (let b = 0; b < blocks.length; b++) {
    const block = blocks[b]!;
    if (block.lang !== 'sh') continue;
    if (/^export RL_KEY=/m.test(block.code)) {
      setup = block.code;
      continue;
    }
    const example: DocExample = { line: block.start + 1, code: block.code };
    const status = /^→ `(\d{3})`/.exec(lines[block.end + 1] ?? '');
    if (status) {
      example.status = Number(status[1]);
      const next = blocks[b + 1];
      if (next?.lang === 'json' && next.start === block.end + 2) example.response = JSON.parse(next.code);
    }
    examples.push(example);
  }
  return { setup, examples };
}

export type ExampleOutcome = { status?: number; body: string; stderr: string };

/**
 * Runs the setup (with the reader's two values filled in) and then every example, in order, in one
 * bash, as a reader pasting them would. Each `curl` reports its status on stderr (`-w %{stderr}`), so
 * what it prints and pipes stays as the reader sees it.
 */
export async function runDocExamples(
  setup: string,
  examples: DocExample[],
  values: { url: string; key: string },
  cwd: string,
): Promise<ExampleOutcome[]> {
  const filled = setup
    .replace(/^export RL_URL=.*$/m, `export RL_URL=${values.url}`)
    .replace(/^export RL_KEY=.*$/m, `export RL_KEY=${values.key}`);
  const script = [
    `curl() { command curl -w '%{stderr}@@STATUS:%{http_code}\\n' "$@"; }`,
    filled,
    ...examples.flatMap((e, i) => [`echo; echo '@@BLOCK:${i}'; echo '@@BLOCK:${i}' >&2`, e.code]),
    `echo; echo '@@END'; echo '@@END' >&2`,
  ].join('\n');
  const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn('bash', ['-c', script], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', reject);
    child.on('exit', () => resolve({ stdout: out, stderr: err }));
  });
  const segment = (text: string, i: number) => {
    const from = text.indexOf(`@@BLOCK:${i}\n`);
    const to = text.indexOf(i + 1 < examples.length ? `@@BLOCK:${i + 1}\n` : '@@END');
    return from < 0 || to < 0 ? '' : text.slice(from + `@@BLOCK:${i}\n`.length, to);
  };
  return examples.map((_, i) => {
    const err = segment(stderr, i);
    const statuses = [...err.matchAll(/^@@STATUS:(\d{3})$/gm)].map((m) => Number(m[1]));
    return {
      status: statuses.at(-1),
      body: segment(stdout, i).trim(),
      stderr: err.replace(/^@@STATUS:\d{3}\n/gm, '').trim(),
    };
  });
}

/**
 * The differences between a documented answer and the real one: the same keys at every level, the same
 * JSON types (null included), arrays compared by their first element; "…" matches anything.
 */
export function shapeDifferences(documented: unknown, actual: unknown, at = '$'): string[] {
  if (documented === '…') return [];
  const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  if (kind(documented) !== kind(actual))
    return [`${at}: documented ${kind(documented)}, got ${kind(actual)}`];
  if (Array.isArray(documented)) {
    const got = actual as unknown[];
    if (documented.length === 0)
      return got.length === 0 ? [] : [`${at}: documented [], got ${got.length} items`];
    if (got.length === 0) return [`${at}: documented items, got []`];
    return shapeDifferences(documented[0], got[0], `${at}[0]`);
  }
  if (documented && typeof documented === 'object') {
    const doc = documented as Record<string, unknown>;
    const got = actual as Record<string, unknown>;
    const out: string[] = [];
    for (const k of Object.keys(doc)) {
      if (!(k in got)) out.push(`${at}.${k}: documented, missing`);
      else out.push(...shapeDifferences(doc[k], got[k], `${at}.${k}`));
    }
    for (const k of Object.keys(got)) if (!(k in doc)) out.push(`${at}.${k}: answered, not documented`);
    return out;
  }
  return [];
}
