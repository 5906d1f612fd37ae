'use client';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useState, useTransition } from 'react';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';

/**
 * Metadata filters (`meta.<key>=<value>`, exact) as URL parameters: chips for the active ones and a
 * key picker offering the keys of the project's recent runs (any other key can be typed).
 */
export function MetaFilter({ keys }: { keys: string[] }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [pending, startTransition] = useTransition();
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const active = [...params.entries()].filter(([k]) => k.startsWith('meta.'));

  const go = (next: URLSearchParams) => {
    next.delete('cursor');
    startTransition(() => router.push(`${pathname}?${next.toString()}`));
  };
  const add = () => {
    const k = key.trim();
    if (!k) return;
    const next = new URLSearchParams(params);
    next.set(`meta.${k}`, value);
    setValue('');
    go(next);
  };
  const remove = (k: string) => {
    const next = new URLSearchParams(params);
    next.delete(k);
    go(next);
  };

  return (
    <div className="mb-4 flex flex-wrap items-center gap-2" aria-busy={pending}>
      {active.map(([k, v]) => (
        <span
          key={k}
          className="inline-flex items-center gap-1 rounded-full bg-violet-100 px-2.5 py-1 text-xs text-violet-900"
          data-testid="meta-chip"
        >
          {k.slice(5)} = {v || '""'}
          <button
            type="button"
            aria-label={`Remove filter ${k.slice(5)}`}
            onClick={() => remove(k)}
            className="ml-1 text-violet-500 hover:text-violet-900"
          >
            ×
          </button>
        </span>
      ))}
      <Input
        list="meta-keys"
        aria-label="Metadata key"
        placeholder="metadata key"
        value={key}
        onChange={(e) => setKey(e.target.value)}
        className="w-36"
      />
      <datalist id="meta-keys">
        {keys.map((k) => (
          <option key={k} value={k} />
        ))}
      </datalist>
      <Input
        aria-label="Metadata value"
        placeholder="= value"
        value={value}
        onChange={(e) => setValue(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') add();
        }}
        className="w-32"
      />
      <Button size="sm" variant="secondary" onClick={add} disabled={!key.trim()}>
        Add filter
      </Button>
    </div>
  );
}
