import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiRoutes } from '@/lib/contract/routes';

// Every write the API serves is either audited (the entries it writes, with the key as actor) or
// recorded data whose own rows are the record. A new write route fails here until it is classified.
const AUDITED: Record<string, string[]> = {
  'POST /api/v1/annotation-queues': ['annotation_queue.created'],
  'PATCH /api/v1/annotation-queues/{id}': ['annotation_queue.assignees_changed'],
  'DELETE /api/v1/annotation-queues/{id}': ['annotation_queue.deleted'],
  'POST /api/v1/annotation-queues/{id}/next': ['annotation_queue.item_leased'],
  'POST /api/v1/annotation-queues/{id}/items/{itemId}': [
    'annotation_queue.item_completed',
    'annotation_queue.item_skipped',
  ],
  'POST /api/v1/destinations': ['destination.created'],
  'DELETE /api/v1/destinations/{id}': ['destination.deleted'],
  'POST /api/v1/destinations/{id}/test': ['destination.tested'],
  'POST /api/v1/deliveries/{id}/redeliver': ['delivery.redelivered'],
  'POST /api/v1/evaluators': ['evaluator.created'],
  'PATCH /api/v1/evaluators/{id}': ['evaluator.updated'],
  'DELETE /api/v1/evaluators/{id}': ['evaluator.deleted'],
  'POST /api/v1/evaluators/{id}/runs': ['evaluator.queued'],
  'PUT /api/v1/llm-providers': ['llm_provider.created', 'llm_provider.updated'],
  'DELETE /api/v1/llm-providers': ['llm_provider.deleted'],
  'PUT /api/v1/project/retention': ['retention.changed'],
  'POST /api/v1/runs/{id}/reports': ['report.created'],
  'POST /api/v1/reports/{id}/sections': ['report.section_added'],
  'PATCH /api/v1/reports/{id}': ['report.updated'],
  'PATCH /api/v1/runs/{id}': ['run.updated'],
  'DELETE /api/v1/runs/{id}': ['run.deleted'],
  'POST /api/v1/scores': ['scores.added'],
  'DELETE /api/v1/scores/{id}': ['score.deleted'],
  'PUT /api/v1/score-configs': ['score_config.saved'],
  'DELETE /api/v1/score-configs': ['score_config.deleted'],
  'POST /api/v1/monitors': ['monitor.created'],
  'PATCH /api/v1/monitors/{id}': ['monitor.updated'],
  'DELETE /api/v1/monitors/{id}': ['monitor.deleted'],
  'PUT /api/v1/quotas': ['quota.created'],
  'DELETE /api/v1/quotas/{id}': ['quota.deleted'],
};

/** Writes of recorded data: the run, its events and results, the usage ledger are their own record. */
const RECORDED = new Set([
  'POST /api/v1/runs',
  'POST /api/v1/runs/{id}/events',
  'POST /api/v1/runs/{id}/results',
  'POST /api/v1/otel/v1/traces',
  'POST /api/v1/otel/v1/logs',
  'POST /api/v1/usage',
  'POST /api/v1/usage/reservations',
  'POST /api/v1/usage/reservations/{id}/commit',
  'POST /api/v1/usage/reservations/{id}/release',
]);

/** POSTs that change nothing: a body too rich for a query string (a monitor's preview). */
const READS = new Set(['POST /api/v1/monitors/preview']);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sources(full);
    return /\.ts$/.test(name) ? [readFileSync(full, 'utf8')] : [];
  });
}

describe('API writes and the audit log', () => {
  const writes = apiRoutes.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`);

  it('every write route is classified: audited, recorded data, or a read', () => {
    const classified = [...Object.keys(AUDITED), ...RECORDED, ...READS];
    expect([...writes].sort()).toEqual([...classified].sort());
  });

  it("each audited route's actions are written by the domain code", () => {
    const server = sources(path.resolve(import.meta.dirname, '../../src/server')).join('\n');
    const missing = Object.values(AUDITED)
      .flat()
      .filter((action) => !server.includes(`'${action}'`));
    expect(missing).toEqual([]);
  });
});
