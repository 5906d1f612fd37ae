'use client';
import { toJsxRuntime } from 'hast-util-to-jsx-runtime';
import { memo, useMemo } from 'react';
import { Fragment, jsx, jsxs } from 'react/jsx-runtime';
import { prettyJson } from '@/lib/format';
import { cn } from '@/lib/cn';
import { lowlight } from './code-syntax';

/** Above this many characters JSON is not highlighted (plain text, same layout): it would cost a frame. */
const MAX_HIGHLIGHT = 20_000;
/** Values longer than this many lines start collapsed. */
const OPEN_LINES = 24;

/** Pretty-printed, syntax-highlighted JSON in a collapsible block; strings stay text, never markup. */
export const JsonView = memo(function JsonView({
  label,
  value,
  tone,
}: {
  label: string;
  value: unknown;
  tone?: 'error';
}) {
  const text = useMemo(
    () => (typeof value === 'string' && tone === 'error' ? value : prettyJson(value)),
    [value, tone],
  );
  const body = useMemo(() => {
    if (tone === 'error' || text.length > MAX_HIGHLIGHT) return text;
    return toJsxRuntime(lowlight().highlight('json', text), { Fragment, jsx, jsxs });
  }, [text, tone]);
  const lines = text.split('\n', OPEN_LINES + 1).length;
  return (
    <details className="group min-w-0" open={lines <= OPEN_LINES}>
      <summary className="mb-1 cursor-pointer select-none text-[11px] font-medium uppercase tracking-wide text-zinc-400">
        {label}
        <span className="ml-1 normal-case tracking-normal group-open:hidden">
          ({lines > OPEN_LINES ? 'long' : 'show'})
        </span>
      </summary>
      <pre
        className={cn(
          'hljs max-h-64 overflow-auto whitespace-pre-wrap break-words rounded p-2 font-mono text-xs',
          tone === 'error' ? 'bg-red-50 text-red-800' : 'bg-zinc-50 text-zinc-800',
        )}
      >
        {body}
      </pre>
    </details>
  );
});
