import type { Score, ScoreConfig } from '@/db/schema';
import type { ScoreConfigDto, ScoreDto } from '@/lib/contract';

/** A stored score as the API answers it: a boolean's 1/0 back to true/false. */
export function toScoreDto(s: Score): ScoreDto {
  return {
    id: s.id,
    runId: s.runId,
    seq: s.seq,
    resultId: s.resultId,
    name: s.name,
    dataType: s.dataType,
    value: s.value === null ? null : s.dataType === 'boolean' ? s.value !== 0 : s.value,
    label: s.label,
    source: s.source,
    authorId: s.authorId,
    comment: s.comment,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

export function toScoreConfigDto(c: ScoreConfig): ScoreConfigDto {
  return {
    id: c.id,
    name: c.name,
    type: c.dataType,
    min: c.min,
    max: c.max,
    categories: c.categories,
    description: c.description,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}
