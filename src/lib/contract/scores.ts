import { z } from 'zod';
import { scoreSources, scoreTypes } from '../enums';
import { cursorParam, int32, limitParam, page, timestamp, uuid } from './common';

export { scoreSources, scoreTypes };
export const scoreType = z.enum(scoreTypes);
export const scoreSource = z.enum(scoreSources);

export const scoreName = z
  .string()
  .min(1)
  .max(100)
  .refine(
    (s) => s === s.trim() && ![...s].some((c) => c.charCodeAt(0) < 32),
    'no leading or trailing spaces, no control characters',
  );
const label = z.string().min(1).max(100);
const comment = z.string().max(2000);
/** A finite number a double column stores exactly as given. */
const finite = z.number().refine(Number.isFinite, 'Expected a finite number');

/** One score as a client sends it: a number or boolean `value`, or a categorical `label`. */
export const scoreInput = z
  .strictObject({
    id: uuid.optional().describe('Chosen by the client: a retry with the same id and content is a duplicate'),
    runId: uuid,
    seq: int32.optional().describe('The scored step (an event seq); absent for the whole run'),
    resultId: uuid.optional().describe('The scored dataset result of this run'),
    name: scoreName,
    value: z.union([finite, z.boolean()]).optional(),
    label: label.optional(),
    comment: comment.optional(),
  })
  .superRefine((s, ctx) => {
    if ((s.value === undefined) === (s.label === undefined))
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'Give exactly one of value and label' });
  });
export type ScoreInput = z.infer<typeof scoreInput>;

export const addScoresBody = z
  .strictObject({ scores: z.array(scoreInput).min(1).max(1000) })
  .superRefine((body, ctx) => {
    const seen = new Set<string>();
    body.scores.forEach((s, i) => {
      if (s.id === undefined) return;
      if (seen.has(s.id))
        ctx.addIssue({ code: 'custom', path: ['scores', i, 'id'], message: `id ${s.id} appears twice` });
      seen.add(s.id);
    });
  });
export type AddScoresInput = z.infer<typeof addScoresBody>;

export const addScoresResponse = z.object({
  accepted: z.number().int().describe('Scores stored by this call (new, or replacing their author’s own)'),
  duplicates: z.number().int().describe('Ids already stored with the same content'),
});

export const listScoresQuery = z.strictObject({
  runId: uuid.optional(),
  resultId: uuid.optional(),
  name: scoreName.optional(),
  source: scoreSource.optional(),
  authorId: z.string().min(1).max(200).optional(),
  from: timestamp.optional().describe('Created at or after'),
  to: timestamp.optional().describe('Created before'),
  limit: limitParam(500, 100),
  cursor: cursorParam,
});
export type ListScoresQuery = z.infer<typeof listScoresQuery>;

export const scoreDto = z.object({
  id: uuid,
  runId: uuid,
  seq: z.number().int().nullable(),
  resultId: uuid.nullable(),
  name: z.string(),
  dataType: scoreType,
  value: z.union([z.number(), z.boolean()]).nullable(),
  label: z.string().nullable(),
  source: scoreSource,
  authorId: z.string(),
  comment: z.string().nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type ScoreDto = z.infer<typeof scoreDto>;
export const scorePage = page(scoreDto);

export const putScoreConfigBody = z
  .strictObject({
    name: scoreName,
    type: scoreType,
    min: finite.optional(),
    max: finite.optional(),
    categories: z.array(label).min(1).max(50).optional(),
    description: z.string().max(1000).optional(),
  })
  .superRefine((c, ctx) => {
    if (c.type !== 'numeric' && (c.min !== undefined || c.max !== undefined))
      ctx.addIssue({ code: 'custom', path: ['min'], message: 'min and max are for numeric scores' });
    if (c.min !== undefined && c.max !== undefined && c.min > c.max)
      ctx.addIssue({ code: 'custom', path: ['max'], message: 'max is below min' });
    if (c.type === 'categorical' && !c.categories)
      ctx.addIssue({ code: 'custom', path: ['categories'], message: 'A categorical score needs categories' });
    if (c.type !== 'categorical' && c.categories)
      ctx.addIssue({
        code: 'custom',
        path: ['categories'],
        message: 'categories are for categorical scores',
      });
    if (c.categories && new Set(c.categories).size !== c.categories.length)
      ctx.addIssue({ code: 'custom', path: ['categories'], message: 'A category appears twice' });
  });
export type PutScoreConfigInput = z.infer<typeof putScoreConfigBody>;

export const scoreConfigDto = z.object({
  id: uuid,
  name: z.string(),
  type: scoreType,
  min: z.number().nullable(),
  max: z.number().nullable(),
  categories: z.array(z.string()).nullable(),
  description: z.string().nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type ScoreConfigDto = z.infer<typeof scoreConfigDto>;
export const scoreConfigResponse = z.object({ config: scoreConfigDto });
export const scoreConfigList = z.object({ data: z.array(scoreConfigDto) });
export const deleteScoreConfigQuery = z.strictObject({ name: scoreName });
