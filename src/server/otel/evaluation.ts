import 'server-only';
import type { OtelEvaluation } from '@/db/schema';
import type { TranscriptEvent } from '@runledger/sdk/transcript';
import type { ObservedScore } from '../scores/observed';
import type { OtelAttributes } from './decode';

/** The GenAI semantic conventions' event for the result of evaluating a model's output. */
export const EVALUATION_EVENT = 'gen_ai.evaluation.result';

const text = (v: unknown, max: number): string | undefined =>
  typeof v === 'string' && v !== '' ? v.slice(0, max) : undefined;

/** The evaluation an event's attributes carry (`gen_ai.evaluation.*`, `gen_ai.response.id`). */
export function evaluationOf(a: OtelAttributes): OtelEvaluation {
  const raw = a['gen_ai.evaluation.score.value'];
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  const scoreLabel = text(a['gen_ai.evaluation.score.label'], 200);
  const explanation = text(a['gen_ai.evaluation.explanation'], 10_000);
  const responseId = text(a['gen_ai.response.id'], 500);
  const errorType = text(a['error.type'], 200);
  return {
    name: text(a['gen_ai.evaluation.name'], 200) ?? 'evaluation',
    ...(typeof value === 'number' && Number.isFinite(value) ? { scoreValue: value } : {}),
    ...(scoreLabel ? { scoreLabel } : {}),
    ...(explanation ? { explanation } : {}),
    ...(responseId ? { responseId } : {}),
    ...(errorType ? { errorType } : {}),
  };
}

/** The run event of an evaluation: readable at a glance (`text`), with its decoded fields. */
export function evaluationEvent(e: OtelEvaluation, spanId: string | null): TranscriptEvent {
  const score = [e.scoreValue, e.scoreLabel].filter((v) => v !== undefined).join(' ');
  return {
    type: 'evaluation',
    payload: {
      text: `${e.name}: ${score || (e.errorType ? `failed (${e.errorType})` : 'no score')}`,
      ...e,
      ...(spanId ? { spanId } : {}),
    },
  };
}

/**
 * The score of the run an evaluation reports: named by `gen_ai.evaluation.name`, its value
 * (`gen_ai.evaluation.score.value`) or label (`.score.label`; kept as the comment's head beside a
 * value), with `gen_ai.evaluation.explanation` as the comment. Keyed by the record, so a resend or a
 * second attach stores nothing more. An evaluation that failed (`error.type`, no score) gives none.
 */
export function evaluationScore(e: OtelEvaluation, recordKey: string, runId: string): ObservedScore {
  const both = e.scoreValue !== undefined && e.scoreLabel !== undefined;
  const comment = [both ? e.scoreLabel : undefined, e.explanation].filter(Boolean).join(': ');
  return {
    key: `otel:${recordKey}`,
    runId,
    name: e.name.slice(0, 100),
    ...(e.scoreValue !== undefined ? { value: e.scoreValue } : {}),
    ...(e.scoreLabel !== undefined ? { label: e.scoreLabel } : {}),
    ...(comment ? { comment } : {}),
  };
}
