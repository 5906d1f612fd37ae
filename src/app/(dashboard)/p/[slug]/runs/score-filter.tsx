'use client';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useState, useTransition } from 'react';
import { Button } from '@/components/ui/button';
import { Input, Select } from '@/components/ui/input';
import {
  formatScoreCondition,
  MAX_SCORE_FILTERS,
  parseScoreCondition,
  scoreConditionsFrom,
} from '@/lib/score-filters';

/**
 * Score filters (`score=quality>=0.8`, `score=tone=good`, `score=!quality`, repeatable) as chips, a box
 * to type one, and the sort by a score (`sort=score.<name>`, `-` for lowest first).
 */
export function ScoreFilter({ names }: { names: string[] }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [pending, startTransition] = useTransition();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const active = scoreConditionsFrom(params.getAll('score'));
  const sort = params.get('sort') ?? '';

  const go = (next: URLSearchParams) => {
    next.delete('cursor');
    startTransition(() => router.push(`${pathname}?${next.toString()}`));
  };
  const add = () => {
    const c = parseScoreCondition(text);
    if (!c) {
      setError('Write a filter as: quality >= 0.8 · tone = good · !quality');
      return;
    }
    setError(null);
    const next = new URLSearchParams(params);
    next.append('score', formatScoreCondition(c));
    setText('');
    go(next);
  };
  const remove = (i: number) => {
    const next = new URLSearchParams(params);
    next.delete('score');
    for (const [j, c] of active.entries()) if (j !== i) next.append('score', formatScoreCondition(c));
    go(next);
  };
  const setSort = (value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set('sort', value);
    else next.delete('sort');
    go(next);
  };

  return (
    <div className="mb-4 flex flex-wrap items-center gap-2" aria-busy={pending}>
      {active.map((c, i) => (
        <span
          key={formatScoreCondition(c)}
          className="inline-flex items-center gap-1 rounded-full bg-amber-100 px-2.5 py-1 text-xs text-amber-900"
          data-testid="score-chip"
        >
          {c.op === 'missing' ? `no score ${c.name}` : `score ${formatScoreCondition(c)}`}
          <button
            type="button"
            aria-label={`Remove score filter ${formatScoreCondition(c)}`}
            onClick={() => remove(i)}
            className="ml-1 text-amber-600 hover:text-amber-900"
          >
            ×
          </button>
        </span>
      ))}
      <Input
        list="score-names"
        aria-label="Score filter"
        placeholder="score filter: quality >= 0.8"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') add();
        }}
        className="w-56"
      />
      <datalist id="score-names">
        {names.map((n) => (
          <option key={n} value={`${n} >= `} />
        ))}
      </datalist>
      <Button
        size="sm"
        variant="secondary"
        onClick={add}
        disabled={!text.trim() || active.length >= MAX_SCORE_FILTERS}
      >
        Add score filter
      </Button>
      <Select aria-label="Sort" value={sort} onChange={(e) => setSort(e.target.value)} className="h-8 w-52">
        <option value="">Newest first</option>
        {names.flatMap((n) => [
          <option key={`d${n}`} value={`score.${n}`}>
            {n}: highest first
          </option>,
          <option key={`a${n}`} value={`-score.${n}`}>
            {n}: lowest first
          </option>,
        ])}
      </Select>
      {error && <span className="text-xs text-red-600">{error}</span>}
    </div>
  );
}
