'use client';
import { useEffect, useState } from 'react';
import { Input } from '@/components/ui/input';

/** A text filter applied on Enter or blur, so typing does not reload the list on every key. */
export function TextFilter({
  label,
  value,
  onApply,
}: {
  label: string;
  value: string | null;
  onApply: (v: string | null) => void;
}) {
  const [draft, setDraft] = useState(value ?? '');
  useEffect(() => setDraft(value ?? ''), [value]);
  const apply = () => {
    const v = draft.trim() || null;
    if (v !== value) onApply(v);
  };
  return (
    <Input
      aria-label={label}
      placeholder={label}
      value={draft}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={apply}
      onKeyDown={(e) => {
        if (e.key === 'Enter') apply();
      }}
      className="w-32"
    />
  );
}
