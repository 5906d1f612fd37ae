import { beforeAll, expect, it } from 'vitest';
import { POST as traces } from '@/app/api/v1/otel/v1/traces/route';
import { listRuns } from '@/server/runs';
import { bearer, callHandler, useApiHandlers } from '../../helpers/api-handler';
import { describeEachDb } from '../../helpers/db';
import { makeProject } from '../../helpers/fixtures';

const traceId = () => Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('hex');
const span = (trace: string, extra: Record<string, unknown> = {}) => ({
  traceId: trace,
  spanId: Buffer.from(crypto.getRandomValues(new Uint8Array(8))).toString('hex'),
  name: 'step',
  startTimeUnixNano: '1764300000123456789',
  endTimeUnixNano: '1764300001123456789',
  ...extra,
});
const exportOf = (spans: unknown[]) => ({ resourceSpans: [{ scopeSpans: [{ spans }] }] });

/** The JSON of an attribute value of arrays nested `depth` levels deep (too deep for JSON.stringify). */
const nestedValue = (depth: number) =>
  `${'{"arrayValue":{"values":['.repeat(depth)}{"stringValue":"bottom"}${']}}'.repeat(depth)}`;

describeEachDb('OTLP/JSON of the wrong shape', ({ db, driver }) => {
  let projectId: string;
  let auth: string;
  const post = (body: unknown) =>
    callHandler(traces, {
      path: '/api/v1/otel/v1/traces',
      auth,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  beforeAll(async () => {
    useApiHandlers(db, driver);
    projectId = (await makeProject(db(), 'otlp')).id;
    auth = await bearer(db(), projectId);
  });

  it('answers 400 with the contract error body when the containers are not an export, and stores nothing', async () => {
    const deep = `{"resourceSpans":${'['.repeat(50_000)}${']'.repeat(50_000)}}`;
    const bodies: unknown[] = [
      { resourceSpans: { scopeSpans: 5 } },
      { resourceSpans: [{ scopeSpans: [{ spans: 'x' }] }] },
      { resourceSpans: [5] },
      { resourceSpans: [{ scopeSpans: 'x' }] },
      [],
      '"text"',
      deep,
      `${'['.repeat(50_000)}${']'.repeat(50_000)}`,
    ];
    for (const body of bodies) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      const answer = await res.json();
      expect(answer.error.code).toBe('bad_request');
      expect(answer.error.message).toMatch(/not (valid JSON|an OTLP ExportTraceServiceRequest)/);
    }
    expect((await listRuns(db(), projectId, {}, { limit: 10 })).data).toEqual([]);
  });

  it('an empty export is accepted with an empty answer', async () => {
    for (const body of [{}, { resourceSpans: [] }, { resourceSpans: [{ scopeSpans: [{ spans: [] }] }] }]) {
      const res = await post(body);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({});
    }
  });

  it('counts malformed spans in partialSuccess and stores the valid ones', async () => {
    const trace = traceId();
    const body = JSON.stringify(
      exportOf([
        'x',
        5,
        span(trace, { name: '' }),
        span(trace, { attributes: [{ key: 'deep', value: 'DEEP' }] }),
        span(trace),
      ]),
    ).replace('"DEEP"', nestedValue(50_000));
    const res = await post(body);
    expect(res.status).toBe(200);
    const { partialSuccess } = await res.json();
    expect(partialSuccess.rejectedSpans).toBe('4');
    expect(partialSuccess.errorMessage).toMatch(/not an object/);
    expect(partialSuccess.errorMessage).toMatch(/missing name/);
    expect(partialSuccess.errorMessage).toMatch(/nested deeper than 32 levels/);
    expect((await listRuns(db(), projectId, {}, { limit: 10 })).data).toHaveLength(1);
  });
});
