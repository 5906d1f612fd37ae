import { beforeAll, expect, it } from 'vitest';
import { GET as health } from '@/app/api/health/route';
import { GET as anyApi } from '@/app/api/[...path]/route';
import { POST as traces } from '@/app/api/v1/otel/v1/traces/route';
import { GET as openapi } from '@/app/api/v1/openapi.json/route';
import { PUT as putRuns, GET as listRuns } from '@/app/api/v1/runs/route';
import { GET as runsExport } from '@/app/api/v1/runs/export/route';
import { GET as unknownV1 } from '@/app/api/v1/[...path]/route';
import { bearer, callHandler, useApiHandlers } from '../../helpers/api-handler';
import { describeEachDb } from '../../helpers/db';
import { makeProject, makeRun } from '../../helpers/fixtures';

describeEachDb('security headers on every /api answer', ({ db, driver }) => {
  let auth: string;
  beforeAll(async () => {
    useApiHandlers(db, driver);
    const p = await makeProject(db(), 'headers');
    auth = await bearer(db(), p.id);
    await makeRun(db(), p.id, { name: 'a' });
  });

  it('JSON, downloads, errors, 404s, 405s, OTLP, the OpenAPI document and health all carry them', async () => {
    const answers: [string, Response][] = [
      ['list', await callHandler(listRuns, { path: '/api/v1/runs', auth })],
      ['csv export', await callHandler(runsExport, { path: '/api/v1/runs/export?format=csv', auth })],
      ['jsonl export', await callHandler(runsExport, { path: '/api/v1/runs/export?format=jsonl', auth })],
      ['no key', await callHandler(listRuns, { path: '/api/v1/runs' })],
      ['bad query', await callHandler(listRuns, { path: '/api/v1/runs?limit=x', auth })],
      ['405', await callHandler(putRuns, { path: '/api/v1/runs', auth, method: 'PUT', body: {} })],
      ['unknown v1 path', await callHandler(unknownV1, { path: '/api/v1/nope', auth })],
      ['unknown api path', await callHandler(anyApi, { path: '/api/nope' })],
      ['otlp 400', await callHandler(traces, { path: '/api/v1/otel/v1/traces', auth, body: '[]' })],
      ['otlp 200', await callHandler(traces, { path: '/api/v1/otel/v1/traces', auth, body: '{}' })],
      ['openapi', await callHandler(openapi, { path: '/api/v1/openapi.json' })],
      ['health', await callHandler(health, { path: '/api/health' })],
    ];
    const statuses = Object.fromEntries(answers.map(([what, res]) => [what, res.status]));
    expect(statuses).toEqual({
      list: 200,
      'csv export': 200,
      'jsonl export': 200,
      'no key': 401,
      'bad query': 400,
      '405': 405,
      'unknown v1 path': 404,
      'unknown api path': 404,
      'otlp 400': 400,
      'otlp 200': 200,
      openapi: 200,
      health: 200,
    });
    for (const [what, res] of answers) {
      expect(res.headers.get('x-content-type-options'), what).toBe('nosniff');
      expect(res.headers.get('content-security-policy'), what).toBe(
        "default-src 'none'; frame-ancestors 'none'",
      );
      await res.arrayBuffer();
    }
  });
});
