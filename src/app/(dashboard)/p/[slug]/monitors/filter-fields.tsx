'use client';
import { Input, Label, Select } from '@/components/ui/input';
import { runKinds } from '@/lib/enums';
import type { Draft } from './definition';

type Props = { draft: Draft; set: (patch: Partial<Draft>) => void };

/** The history's filters of a monitor (kind, model, user, tag, name or content, metadata). */
export function FilterFields({ draft, set }: Props) {
  const text = (field: 'model' | 'userId' | 'tag' | 'q' | 'meta', label: string, placeholder: string) => (
    <div className="flex flex-col gap-1">
      <Label htmlFor={`mon-${field}`}>{label}</Label>
      <Input
        id={`mon-${field}`}
        value={draft[field]}
        placeholder={placeholder}
        className="w-full sm:w-40"
        onChange={(e) => set({ [field]: e.target.value })}
      />
    </div>
  );
  return (
    <fieldset className="flex flex-wrap items-end gap-2">
      <legend className="mb-1 text-xs font-medium text-zinc-500">Runs (the history's filters)</legend>
      <div className="flex flex-col gap-1">
        <Label htmlFor="mon-kind">Kind</Label>
        <Select id="mon-kind" value={draft.kind} onChange={(e) => set({ kind: e.target.value })}>
          <option value="">any</option>
          {runKinds.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </Select>
      </div>
      {text('model', 'Model', 'any')}
      {text('userId', 'User', 'any')}
      {text('tag', 'Tag', 'any')}
      {text('q', 'Name or content', 'any')}
      {text('meta', 'Metadata', 'key=value, …')}
    </fieldset>
  );
}
