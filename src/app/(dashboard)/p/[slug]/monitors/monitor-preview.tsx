'use client';
import { useEffect, useState, useTransition } from 'react';
import type { PreviewResponse } from '@/lib/contract';
import { previewAction } from './actions';
import { type Draft, definitionOf } from './definition';
import { formatValue } from './describe';
import { Sparkline } from './sparkline';

/** The metric's last 24 h under the definition being edited, asked for 400 ms after the last change. */
export function MonitorPreview({ draft }: { draft: Draft }) {
  const [preview, setPreview] = useState<PreviewResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const key = JSON.stringify(definitionOf(draft));
  useEffect(() => {
    const timer = setTimeout(() => {
      const { name: _name, cooldownSeconds: _c, ...def } = JSON.parse(key) as ReturnType<typeof definitionOf>;
      startTransition(async () => {
        const res = await previewAction(null, { ...def, rangeHours: 24, points: 48 });
        if (res.ok) {
          setPreview(res);
          setError(null);
        } else {
          setError(
            Object.entries(res.fieldErrors ?? {})
              .map(([f, e]) => `${f}: ${e.join(', ')}`)
              .join('; ') ||
              (res.error ?? 'Preview failed'),
          );
        }
      });
    }, 400);
    return () => clearTimeout(timer);
  }, [key]);
  const last = preview?.points.at(-1)?.value ?? null;
  return (
    <div className="rounded-md border border-zinc-200 p-3" data-testid="monitor-preview" aria-busy={pending}>
      <p className="mb-2 text-xs font-medium text-zinc-500">
        Preview: the last 24 hours {pending && '· updating…'}
      </p>
      {error ? (
        <p className="text-sm text-red-600" data-testid="preview-error">
          {error}
        </p>
      ) : preview ? (
        <>
          <Sparkline
            points={preview.points}
            threshold={preview.threshold}
            comparator={preview.comparator}
            label="Preview of the metric"
          />
          <p className="mt-1 text-sm text-zinc-700" data-testid="preview-now">
            Now: {formatValue(last)}
            {preview.subjects.length > 0 &&
              ` · ${preview.subjects
                .slice(0, 5)
                .map((s) => `${s.subject}: ${formatValue(s.value)}`)
                .join(', ')}`}
          </p>
        </>
      ) : (
        <p className="text-sm text-zinc-500">Loading…</p>
      )}
    </div>
  );
}
