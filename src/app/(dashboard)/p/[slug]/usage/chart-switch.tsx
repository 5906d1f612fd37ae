'use client';
import { type ReactNode, useState } from 'react';
import { cn } from '@/lib/cn';

/**
 * One chart at a time with a switcher (a metric, a split): the page shows one chart per section
 * instead of one per choice. The charts come drawn from the server (`panels`, one per option).
 */
export function ChartSwitch({
  label,
  options,
  initial,
  panels,
}: {
  /** What the buttons choose (accessible name of the group). */
  label: string;
  options: readonly string[];
  initial?: string;
  /** The chart of each option, in the order of `options`. */
  panels: ReactNode[];
}) {
  const [current, setCurrent] = useState(initial && options.includes(initial) ? initial : options[0]!);
  return (
    <div>
      {options.length > 1 && (
        <fieldset aria-label={label} className="mb-2 flex flex-wrap gap-1">
          {options.map((o) => (
            <button
              key={o}
              type="button"
              aria-pressed={o === current}
              onClick={() => setCurrent(o)}
              className={cn(
                'rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset',
                o === current
                  ? 'bg-zinc-900 text-white ring-zinc-900'
                  : 'text-zinc-600 ring-zinc-200 hover:bg-zinc-50',
              )}
            >
              {o}
            </button>
          ))}
        </fieldset>
      )}
      {panels[options.indexOf(current)]}
    </div>
  );
}
