'use client';
import type { UIMessage } from 'ai';
import { memo, useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { prettyJson } from '@/lib/format';
import type { BuiltMessage, TranscriptEntry } from './use-transcript';

type Part = UIMessage['parts'][number];
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

function JsonBlock({ label, value, tone }: { label: string; value: unknown; tone?: 'error' }) {
  return (
    <div className="min-w-0">
      <p className="mb-1 text-[11px] font-medium uppercase tracking-wide text-zinc-400">{label}</p>
      <pre
        className={
          tone === 'error'
            ? 'max-h-64 overflow-auto whitespace-pre-wrap break-words rounded bg-red-50 p-2 font-mono text-xs text-red-800'
            : 'max-h-64 overflow-auto whitespace-pre-wrap break-words rounded bg-zinc-50 p-2 font-mono text-xs text-zinc-800'
        }
      >
        {prettyJson(value)}
      </pre>
    </div>
  );
}

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
  if (!fields) return <JsonBlock label={type} value={data} />;
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
        <JsonBlock label="Arguments" value={part.input ?? (part.state === 'input-streaming' ? '…' : null)} />
        {part.state === 'output-error' ? (
          <JsonBlock label="Error" value={part.errorText} tone="error" />
        ) : part.state === 'output-available' ? (
          <JsonBlock label="Result" value={part.output} />
        ) : (
          <div className="text-xs text-zinc-400">Waiting for the result…</div>
        )}
      </div>
    </div>
  );
}

function PartView({ part, step }: { part: Part; step: number }) {
  if (part.type === 'text') {
    return (
      <p className="whitespace-pre-wrap break-words text-sm leading-relaxed text-zinc-800">{part.text}</p>
    );
  }
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
}

const UserBubble = memo(function UserBubble({ seq, text }: { seq: number; text: string }) {
  return (
    <li className="flex justify-end" data-seq={seq}>
      <div
        data-testid="user-message"
        className="max-w-[85%] rounded-2xl rounded-br-sm bg-zinc-900 px-4 py-2 text-sm text-white"
      >
        <p className="whitespace-pre-wrap break-words">{text}</p>
      </div>
    </li>
  );
});

const AssistantMessage = memo(function AssistantMessage({
  seq,
  built,
  streaming,
}: {
  seq: number;
  built: BuiltMessage | null;
  streaming: boolean;
}) {
  const parts = built?.message?.parts ?? [];
  let step = 0;
  return (
    <li className="flex justify-start" data-seq={seq}>
      <div
        data-testid="assistant-message"
        className="flex w-full max-w-[92%] flex-col gap-2.5 rounded-2xl rounded-bl-sm border border-zinc-200 bg-white px-4 py-3"
      >
        {parts.length === 0 && !built?.errors.length && (
          <span className="text-xs text-zinc-400">{built ? '(no content)' : '…'}</span>
        )}
        {parts.map((p, i) => {
          if (p.type === 'step-start') step++;
          return <PartView key={i} part={p} step={step} />;
        })}
        {built?.errors.map((err, i) => (
          <p key={`err${i}`} role="note" className="rounded bg-red-50 px-2 py-1.5 text-sm text-red-700">
            Error: {err}
          </p>
        ))}
        {streaming && <span className="inline-block h-4 w-1.5 animate-pulse bg-zinc-400" aria-hidden />}
      </div>
    </li>
  );
});

/** How many of the latest messages render at once; a long run shows earlier ones on demand. */
const WINDOW = 120;

export function Transcript({ entries, playing }: { entries: TranscriptEntry[]; playing: boolean }) {
  const [shown, setShown] = useState(WINDOW);
  if (entries.length === 0) {
    return (
      <p className="px-1 py-8 text-center text-sm text-zinc-400">
        Nothing has happened yet at this point of the run.
      </p>
    );
  }
  const hidden = Math.max(0, entries.length - shown);
  return (
    <ol className="flex flex-col gap-4" data-testid="transcript">
      {hidden > 0 && (
        <li className="text-center">
          <button
            type="button"
            onClick={() => setShown((n) => n + WINDOW * 4)}
            className="text-xs text-zinc-500 underline hover:text-zinc-900"
          >
            {hidden.toLocaleString('en-US')} earlier messages hidden · show more
          </button>
        </li>
      )}
      {entries
        .slice(hidden)
        .map((e) =>
          e.kind === 'user' ? (
            <UserBubble key={e.key} seq={e.seq} text={e.text} />
          ) : (
            <AssistantMessage key={e.key} seq={e.seq} built={e.built} streaming={e.streaming && playing} />
          ),
        )}
    </ol>
  );
}
