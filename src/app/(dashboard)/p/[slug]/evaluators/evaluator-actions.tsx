'use client';
import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import { removeEvaluator, setEvaluatorEnabled } from './actions';

/** Pause / resume and delete, for editors. */
export function EvaluatorRowActions({ id, enabled }: { id: string; enabled: boolean }) {
  const [toggled, toggle, toggling] = useActionState(setEvaluatorEnabled, null);
  const [removed, remove, removing] = useActionState(removeEvaluator, null);
  const error = toggled?.error ?? removed?.error;
  return (
    <div className="flex items-center gap-1">
      <form action={toggle}>
        <input type="hidden" name="id" value={id} />
        <input type="hidden" name="enabled" value={String(!enabled)} />
        <Button type="submit" size="sm" variant="ghost" disabled={toggling}>
          {enabled ? 'Pause' : 'Resume'}
        </Button>
      </form>
      <form action={remove}>
        <input type="hidden" name="id" value={id} />
        <Button type="submit" size="sm" variant="ghost" disabled={removing}>
          Delete
        </Button>
      </form>
      {error && <span className="text-xs text-red-600">{error}</span>}
    </div>
  );
}
