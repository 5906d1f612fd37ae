import 'server-only';
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { queryRows } from '@/db/sql';
import { insertObservedScores } from '../scores/observed';
import type { OtelSpan } from './decode';
import { EVALUATION_EVENT, evaluationOf, evaluationScore } from './evaluation';
import { placeEvaluationScores } from './evaluation-steps';
import { type IngestPhases, type IngestResult, storeSpans } from './ingest';
import { attachPending, insertRecords, keyOf, type RecordRow } from './logs';
import { str } from './map';

/**
 * Stores the spans of one OTLP export (storeSpans), then what other signals hang on them: the model
 * responses they answered with (so a log record naming only its response finds its run), the
 * `gen_ai.evaluation.result` events they carry (kept with the log records, and scores of their run),
 * and the waiting log records of their traces and responses, attached now.
 */
export async function ingestSpans(
  db: DbOrTx,
  projectId: string,
  spans: OtelSpan[],
  opts: { phases?: IngestPhases } = {},
): Promise<IngestResult> {
  const { runOf, ...stored } = await storeSpans(db, projectId, spans, opts);
  if (spans.length === 0) return stored;
  const responses: { response_id: string; run_id: string; trace_id: string; span_id: string }[] = [];
  const evaluations: RecordRow[] = [];
  for (const s of spans) {
    const runId = runOf.get(s.traceId)!;
    const responseId = str(s.attributes['gen_ai.response.id']);
    if (responseId)
      responses.push({
        response_id: responseId.slice(0, 500),
        run_id: runId,
        trace_id: s.traceId,
        span_id: s.spanId,
      });
    for (const [i, e] of s.events.entries()) {
      if (e.name !== EVALUATION_EVENT) continue;
      const evaluation = evaluationOf(e.attributes);
      evaluations.push({
        record_key: keyOf(['span-event', s.traceId, s.spanId, i, e.timeNs]),
        source: 'span-event',
        run_id: runId,
        trace_id: s.traceId,
        span_id: s.spanId,
        response_id: evaluation.responseId ?? null,
        time_ns: String(e.timeNs),
        event_name: e.name,
        severity_number: 0,
        severity_text: null,
        body: null,
        attributes: e.attributes,
        evaluation,
      });
    }
  }
  if (responses.length) {
    await queryRows(
      db,
      sql`insert into otel_response_ids (project_id, response_id, run_id, trace_id, span_id)
        select ${projectId}::uuid, x.response_id, x.run_id, x.trace_id, x.span_id
        from jsonb_to_recordset(${JSON.stringify(responses)}::jsonb) as x(response_id text, run_id uuid, trace_id text, span_id text)
        where exists (select 1 from runs r where r.id = x.run_id and r.project_id = ${projectId}::uuid)
        on conflict (project_id, response_id) do nothing`,
    );
  }
  await insertRecords(db, projectId, evaluations);
  await insertObservedScores(
    db,
    projectId,
    evaluations.map((r) => evaluationScore(r.evaluation!, r.record_key, r.run_id!)),
  );
  await attachPending(db, projectId, {
    traceIds: [...runOf.keys()],
    responseIds: responses.map((r) => r.response_id),
  });
  await placeEvaluationScores(db, projectId, [...new Set(runOf.values())]);
  return stored;
}
