import type { ScoreConfig } from '@/db/schema';
import type { ScoreInput } from '@/lib/contract';
import type { ScoreType } from '@/lib/enums';

/** What a valid score stores: its type, and a number (1/0 for a boolean) or a label. */
export type ScoreValue = { dataType: ScoreType; value: number | null; label: string | null };

export type ScoreIssue = { path: string[]; code: string; message: string };

type Config = Pick<ScoreConfig, 'dataType' | 'min' | 'max' | 'categories'>;

/**
 * Checks a score against the config of its name (or, without one, whether the project allows that)
 * and answers what to store, or the issue to report. Pure, so the dashboard's form can use it too.
 */
export function checkScore(
  s: Pick<ScoreInput, 'name' | 'value' | 'label'>,
  config: Config | undefined,
  requireConfig: boolean,
): ScoreValue | { issue: Omit<ScoreIssue, 'path'> & { field: 'name' | 'value' | 'label' } } {
  const fail = (field: 'name' | 'value' | 'label', message: string) => ({
    issue: { field, code: 'invalid_score', message },
  });
  if (!config) {
    if (requireConfig)
      return fail('name', `No score config is named ${s.name}, and this project requires one`);
    if (s.label !== undefined) return fail('label', `A label needs a categorical config named ${s.name}`);
    if (typeof s.value === 'boolean') return { dataType: 'boolean', value: s.value ? 1 : 0, label: null };
    return { dataType: 'numeric', value: s.value ?? null, label: null };
  }
  switch (config.dataType) {
    case 'numeric': {
      if (typeof s.value !== 'number') return fail('value', `${s.name} is numeric: give a number value`);
      if (config.min !== null && s.value < config.min)
        return fail('value', `${s.name} must be at least ${config.min}`);
      if (config.max !== null && s.value > config.max)
        return fail('value', `${s.name} must be at most ${config.max}`);
      return { dataType: 'numeric', value: s.value, label: null };
    }
    case 'boolean':
      if (typeof s.value !== 'boolean') return fail('value', `${s.name} is boolean: give true or false`);
      return { dataType: 'boolean', value: s.value ? 1 : 0, label: null };
    case 'categorical': {
      const labels = config.categories ?? [];
      if (s.label === undefined)
        return fail('label', `${s.name} is categorical: give a label (${labels.join(', ')})`);
      if (!labels.includes(s.label))
        return fail('label', `${s.label} is not a label of ${s.name} (${labels.join(', ')})`);
      return { dataType: 'categorical', value: null, label: s.label };
    }
  }
}
