'use client';
import { Input } from '@/components/ui/input';
import { cn } from '@/lib/cn';
import type { ScoreConfigDto } from '@/lib/contract/scores';

export type Value = { value?: number | boolean; label?: string };

export const choice = 'h-7 rounded-md border px-2 text-xs font-medium';
export const on = 'border-zinc-900 bg-zinc-900 text-white';
export const off = 'border-zinc-300 bg-white text-zinc-700 hover:bg-zinc-100';

/** The choices of a boolean or categorical config, in order (the keys 1–9 pick them). */
export function optionsOf(config: ScoreConfigDto): [string, Value][] {
  if (config.type === 'boolean')
    return [
      ['yes', { value: true }],
      ['no', { value: false }],
    ];
  return (config.categories ?? []).map((c) => [c, { label: c }]);
}

/** The value control of one config: a number, yes/no, or one of its labels. */
export function ValueInput({
  config,
  value,
  onChange,
}: {
  config: ScoreConfigDto;
  value: Value;
  onChange: (v: Value) => void;
}) {
  if (config.type === 'numeric')
    return (
      <Input
        type="number"
        aria-label={`${config.name} value`}
        step="any"
        min={config.min ?? undefined}
        max={config.max ?? undefined}
        value={typeof value.value === 'number' ? value.value : ''}
        onChange={(e) => onChange(e.target.value === '' ? {} : { value: Number(e.target.value) })}
        className="h-8 w-28"
      />
    );
  const options = optionsOf(config);
  return (
    <fieldset className="flex flex-wrap gap-1" aria-label={`${config.name} value`}>
      {options.map(([text, v], i) => {
        const selected = v.label !== undefined ? value.label === v.label : value.value === v.value;
        return (
          <button
            key={text}
            type="button"
            aria-pressed={selected}
            title={i < 9 ? `${text} (${i + 1})` : text}
            className={cn(choice, selected ? on : off)}
            onClick={() => onChange(v)}
          >
            {text}
          </button>
        );
      })}
    </fieldset>
  );
}
