import type { Step, StepItem } from '@/server/compare';
import { cn } from '@/lib/cn';

const tone: Record<StepItem['kind'], string> = {
  user: 'bg-blue-50 text-blue-950',
  assistant: 'bg-white text-zinc-900',
  tool: 'bg-violet-50 font-mono text-xs text-violet-900',
  error: 'bg-red-50 text-red-800',
};

function StepCell({ step }: { step: Step | undefined }) {
  if (!step) return <td className="border-t border-zinc-100 p-2 align-top text-xs text-zinc-400">—</td>;
  return (
    <td className="w-1/2 border-t border-zinc-100 p-2 align-top">
      <div className="flex flex-col gap-1">
        {step.items.map((item, i) => (
          <div
            key={i}
            className={cn('whitespace-pre-wrap break-words rounded px-2 py-1 text-sm', tone[item.kind])}
          >
            <span className="mr-1 text-[10px] uppercase tracking-wide text-zinc-400">{item.kind}</span>
            {item.text.length > 2000 ? `${item.text.slice(0, 2000)}…` : item.text}
          </div>
        ))}
      </div>
    </td>
  );
}

/** Both transcripts side by side, row n holding step n of each run. */
export function StepsSideBySide({ left, right, count }: { left: Step[]; right: Step[]; count: number }) {
  return (
    <table className="w-full table-fixed" data-testid="compare-steps">
      <thead>
        <tr className="text-left text-xs text-zinc-500">
          <th className="w-12 p-2">Step</th>
          <th className="p-2">A</th>
          <th className="p-2">B</th>
        </tr>
      </thead>
      <tbody>
        {Array.from({ length: count }, (_, i) => (
          <tr key={i} data-step={i + 1}>
            <td className="border-t border-zinc-100 p-2 align-top text-xs text-zinc-400">{i + 1}</td>
            <StepCell step={left[i]} />
            <StepCell step={right[i]} />
          </tr>
        ))}
      </tbody>
    </table>
  );
}
