'use client';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState, useTransition } from 'react';
import { Button } from '@/components/ui/button';
import { Select } from '@/components/ui/input';
import type { ScoreConfigDto } from '@/lib/contract/scores';
import { cn } from '@/lib/cn';
import { scoreRunAction } from './actions';
import { choice, off, on, optionsOf, type Value, ValueInput } from './value-input';
import type { RunScoreView } from './types';

/**
 * Scores the run or the step under the playhead with one of the project's configs. `s` focuses it;
 * in it, 1–9 pick a choice and Ctrl+Enter saves.
 */
export function ScoreForm({
  runId,
  seq,
  configs,
  mine,
}: {
  runId: string;
  seq: number | null;
  configs: ScoreConfigDto[];
  mine: RunScoreView[];
}) {
  const router = useRouter();
  const [target, setTarget] = useState<'run' | 'step'>('run');
  const [name, setName] = useState(configs[0]?.name ?? '');
  const [value, setValue] = useState<Value>({});
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [pending, start] = useTransition();
  const form = useRef<HTMLFormElement>(null);
  const config = configs.find((c) => c.name === name);
  const targetSeq = target === 'step' ? seq : null;
  const existing = mine.find((s) => s.name === name && s.seq === targetSeq && s.resultId === null);

  // The form shows the viewer's own score of this target, when there is one.
  useEffect(() => {
    setValue(
      existing ? (existing.label !== null ? { label: existing.label } : { value: existing.value! }) : {},
    );
    setComment(existing?.comment ?? '');
  }, [existing]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const tag = (e.target as HTMLElement | null)?.tagName;
      if (e.key !== 's' || e.metaKey || e.ctrlKey || e.altKey) return;
      if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT') return;
      e.preventDefault();
      form.current?.querySelector<HTMLElement>('[data-score-focus]')?.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const save = () => {
    if (!config || (value.value === undefined && value.label === undefined)) {
      setError('Choose a value first.');
      return;
    }
    setError(null);
    start(async () => {
      const res = await scoreRunAction(null, {
        runId,
        seq: targetSeq,
        name,
        ...value,
        comment: comment || undefined,
      });
      if (!res.ok) setError(res.error ?? 'Could not save the score');
      else {
        setSaved(true);
        router.refresh();
      }
    });
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      save();
      return;
    }
    const tag = (e.target as HTMLElement).tagName;
    const n = Number(e.key);
    if (config && config.type !== 'numeric' && tag !== 'TEXTAREA' && tag !== 'INPUT' && n >= 1 && n <= 9) {
      const opts = optionsOf(config).map(([, v]) => v);
      if (opts[n - 1]) setValue(opts[n - 1]!);
    }
  };

  return (
    <form
      ref={form}
      aria-label="Score this run"
      noValidate
      className="flex flex-col gap-2.5 p-3"
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
      onKeyDown={onKeyDown}
      onChange={() => setSaved(false)}
    >
      <div className="flex flex-wrap items-center gap-2 text-xs">
        <Select
          aria-label="Score"
          data-score-focus
          value={name}
          onChange={(e) => setName(e.target.value)}
          className="h-8 w-40"
        >
          {configs.map((c) => (
            <option key={c.id} value={c.name}>
              {c.name}
            </option>
          ))}
        </Select>
        <fieldset className="flex gap-1" aria-label="Target">
          <button
            type="button"
            aria-pressed={target === 'run'}
            className={cn(choice, target === 'run' ? on : off)}
            onClick={() => setTarget('run')}
          >
            Whole run
          </button>
          <button
            type="button"
            aria-pressed={target === 'step'}
            disabled={seq === null}
            className={cn(choice, target === 'step' ? on : off, 'disabled:opacity-40')}
            onClick={() => setTarget('step')}
            title={seq === null ? 'Move the playhead to a step first' : undefined}
          >
            {seq === null ? 'Step' : `Step · seq ${seq}`}
          </button>
        </fieldset>
      </div>
      {config?.description && <p className="text-xs text-zinc-500">{config.description}</p>}
      {config && (
        <ValueInput
          config={config}
          value={value}
          onChange={(v) => {
            setValue(v);
            setSaved(false);
          }}
        />
      )}
      <textarea
        aria-label="Comment"
        value={comment}
        onChange={(e) => setComment(e.target.value)}
        maxLength={2000}
        rows={2}
        placeholder="Comment (optional)"
        className="rounded-md border border-zinc-300 px-2 py-1.5 text-sm"
      />
      <div className="flex items-center gap-2">
        <Button type="submit" size="sm" disabled={pending}>
          {existing ? 'Update score' : 'Save score'}
        </Button>
        <span className="text-[11px] text-zinc-400">s to focus · 1–9 choose · Ctrl+Enter save</span>
        {saved && !pending && <span className="text-xs text-emerald-700">Saved</span>}
      </div>
      {error && <p className="text-xs text-red-600">{error}</p>}
    </form>
  );
}
