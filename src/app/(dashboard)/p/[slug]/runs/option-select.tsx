'use client';
import { Select } from '@/components/ui/input';

/** A select over a fixed list of values, with an "all" choice that clears the filter (null). */
export function OptionSelect<T extends string>({
  label,
  all,
  value,
  options,
  labels,
  onChange,
}: {
  label: string;
  all: string;
  value: T | null;
  options: readonly T[];
  labels?: Record<T, string>;
  onChange: (value: T | null) => void;
}) {
  return (
    <Select
      aria-label={label}
      value={value ?? ''}
      onChange={(e) => onChange((e.target.value || null) as T | null)}
    >
      <option value="">{all}</option>
      {options.map((o) => (
        <option key={o} value={o}>
          {labels?.[o] ?? o}
        </option>
      ))}
    </Select>
  );
}
