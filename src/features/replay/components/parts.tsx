'use client';
import type { UIMessage } from 'ai';
import { memo } from 'react';
import { Badge } from '@/components/ui/badge';
import { JsonView } from './json-view';
import { Markdown } from './markdown';

export type Part = UIMessage['parts'][number];
type ToolLike = {
  type: string;
  toolName?: string;
  toolCallId: string;
  state: string;
  input?: unknown;
  output?: unknown;
  errorText?: string;
};

function isToolPart(p: Part): p is Part & ToolLike {
  return p.type === 'dynamic-tool' || p.type.startsWith('tool-');
}

const toolStateTone = {
  'input-streaming': 'gray',
  'input-available': 'blue',
  'output-available': 'green',
  'output-error': 'red',
  'output-denied': 'amber',
} as const;

type Scalar = string | number | boolean | null;

/** A small flat object (a progress tick, a step marker): its fields, inline; anything else as JSON. */
function flatFields(data: unknown): [string, Scalar][] | null {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return null;
  const entries = Object.entries(data);
  if (entries.length === 0 || entries.length > 6) return null;
  const scalar = (v: unknown): v is Scalar =>
    v === null || (['string', 'number', 'boolean'].includes(typeof v) && String(v).length <= 120);
  return entries.every(([, v]) => scalar(v)) ? (entries as [string, Scalar][]) : null;
}

function DataPart({ type, data }: { type: string; data: unknown }) {
  const fields = flatFields(data);
  if (!fields) return <JsonView label={type} value={data} />;
  return (
    <div
      data-testid="data-part"
      className="flex flex-wrap items-baseline gap-x-3 gap-y-1 rounded-md bg-zinc-50 px-3 py-1.5 text-xs"
    >
      <span className="font-medium uppercase tracking-wide text-zinc-400">{type.replace(/^data-/, '')}</span>
      {fields.map(([k, v]) => (
        <span key={k} className="text-zinc-500">
          {k} <span className="font-mono text-zinc-800">{v === null ? 'null' : String(v)}</span>
        </span>
      ))}
    </div>
  );
}

function ToolCard({ part }: { part: ToolLike }) {
  const name = part.toolName ?? part.type.replace(/^tool-/, '');
  const tone = toolStateTone[part.state as keyof typeof toolStateTone] ?? 'gray';
  return (
    <div data-testid="tool-card" className="rounded-md border border-zinc-200 bg-white">
      <div className="flex items-center justify-between gap-2 border-b border-zinc-100 px-3 py-1.5">
        <span className="flex min-w-0 items-center gap-2 text-sm">
          <span className="text-zinc-400">tool</span>
          <span className="truncate font-mono font-medium text-zinc-900">{name}</span>
        </span>
        <Badge tone={tone}>{part.state.replace('-', ' ')}</Badge>
      </div>
      <div className="grid gap-3 p-3 md:grid-cols-2">
        <JsonView label="Arguments" value={part.input ?? (part.state === 'input-streaming' ? '…' : null)} />
        {part.state === 'output-error' ? (
          <JsonView label="Error" value={part.errorText} tone="error" />
        ) : part.state === 'output-available' ? (
          <JsonView label="Result" value={part.output} />
        ) : (
          <div className="text-xs text-zinc-400">Waiting for the result…</div>
        )}
      </div>
    </div>
  );
}

/** One part of an assistant message: Markdown text, reasoning, a step divider, a tool call, data. */
export const PartView = memo(function PartView({ part, step }: { part: Part; step: number }) {
  if (part.type === 'text') return <Markdown source={part.text} streaming={part.state === 'streaming'} />;
  if (part.type === 'reasoning') {
    return (
      <details className="group rounded-md border border-dashed border-zinc-300 bg-zinc-50 px-3 py-1.5">
        <summary className="cursor-pointer select-none text-xs font-medium text-zinc-500">
          Reasoning{part.state === 'streaming' ? '…' : ''}
        </summary>
        <p className="mt-1.5 whitespace-pre-wrap break-words text-xs leading-relaxed text-zinc-600">
          {part.text}
        </p>
      </details>
    );
  }
  if (part.type === 'step-start') {
    return (
      <div className="flex items-center gap-2 text-[11px] font-medium uppercase tracking-wide text-zinc-400">
        <span className="h-px flex-1 bg-zinc-200" /> step {step} <span className="h-px flex-1 bg-zinc-200" />
      </div>
    );
  }
  if (isToolPart(part)) return <ToolCard part={part} />;
  if (part.type.startsWith('data-'))
    return <DataPart type={part.type} data={(part as { data?: unknown }).data} />;
  if (part.type === 'source-url') {
    return <p className="text-xs text-zinc-500">source: {(part as { url?: string }).url}</p>;
  }
  return <p className="text-xs text-zinc-400">[{part.type}]</p>;
});
