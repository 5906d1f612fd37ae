/**
 * docs/api.md as a reader uses it: its setup block pasted once (with a real URL and key), then every
 * example in order against the built server. Each must print nothing on stderr, answer the status the
 * guide gives, and, where the guide shows the answer, an answer of the same shape.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docExamples, runDocExamples, shapeDifferences } from '../../helpers/doc-examples';
import type { TestServer } from '../../helpers/server';
import { sharedServer } from '../../helpers/shared-server';

const guide = readFileSync(path.resolve(import.meta.dirname, '../../../docs/api.md'), 'utf8');

describe('docs/api.md examples', () => {
  let server: TestServer;
  let cwd: string;
  beforeAll(async () => {
    server = await sharedServer('pglite');
    cwd = mkdtempSync(path.join(tmpdir(), 'runledger-api-docs-'));
  });
  afterAll(async () => {
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  it('has one setup block and an answer for the examples', () => {
    const { setup, examples } = docExamples(guide);
    expect(setup).toMatch(/^export RL_URL=/m);
    expect(examples.filter((e) => e.status !== undefined).length).toBeGreaterThanOrEqual(25);
    expect(examples.filter((e) => e.response !== undefined).length).toBeGreaterThanOrEqual(15);
  });

  it('every example runs as written and answers as documented', async () => {
    const { setup, examples } = docExamples(guide);
    const outcomes = await runDocExamples(
      setup,
      examples,
      { url: server.baseUrl, key: server.keys.main! },
      cwd,
    );
    const failures: string[] = [];
    examples.forEach((example, i) => {
      const got = outcomes[i]!;
      const where = `docs/api.md:${example.line}`;
      if (got.stderr) failures.push(`${where}: printed on stderr: ${got.stderr}`);
      if (example.status !== undefined && got.status !== example.status) {
        failures.push(
          `${where}: documented ${example.status}, answered ${got.status}: ${got.body.slice(0, 300)}`,
        );
      }
      if (example.response !== undefined) {
        let body: unknown;
        try {
          body = JSON.parse(got.body);
        } catch {
          failures.push(`${where}: the answer is not JSON: ${got.body.slice(0, 300)}`);
          return;
        }
        for (const d of shapeDifferences(example.response, body)) failures.push(`${where}: ${d}`);
      }
    });
    expect(failures).toEqual([]);
  }, 120_000);
});
