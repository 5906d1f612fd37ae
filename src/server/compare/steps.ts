import type { RunEvent } from '@/db/schema';

export type StepItem = { kind: 'user' | 'assistant' | 'tool' | 'error'; text: string };
export type Step = { index: number; items: StepItem[] };

export type EventStats = { events: number; toolCalls: number; errors: number };

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/**
 * A run's events as steps, for side-by-side reading: a user message or an AI SDK `start-step` opens a
 * step; assistant text deltas are joined; tool calls and errors are one line each.
 */
export function toSteps(events: Pick<RunEvent, 'type' | 'payload'>[]): Step[] {
  const steps: Step[] = [];
  let current: Step | null = null;
  let text: StepItem | null = null;
  const open = () => {
    current = { index: steps.length, items: [] };
    steps.push(current);
    text = null;
    return current;
  };
  for (const e of events) {
    const p = (e.payload ?? {}) as Record<string, unknown>;
    if (e.type === 'user-message') {
      open().items.push({ kind: 'user', text: str(p.text) });
      continue;
    }
    if (e.type === 'start-step') {
      // A step right after a user message continues the same turn.
      const c = current as Step | null;
      if (!c || c.items.some((i) => i.kind !== 'user')) open();
      continue;
    }
    const step = current ?? open();
    if (e.type === 'text-delta') {
      if (!text) {
        text = { kind: 'assistant', text: '' };
        step.items.push(text);
      }
      text.text += str(p.delta);
    } else if (e.type === 'text-end') {
      text = null;
    } else if (e.type === 'tool-input-available') {
      step.items.push({ kind: 'tool', text: `${str(p.toolName)}(${JSON.stringify(p.input ?? {})})` });
    } else if (e.type === 'error' || e.type === 'tool-output-error') {
      step.items.push({ kind: 'error', text: str(p.errorText) || 'error' });
    }
  }
  return steps.filter((s) => s.items.length > 0).map((s, index) => ({ ...s, index }));
}

export function eventStats(events: Pick<RunEvent, 'type'>[]): EventStats {
  let toolCalls = 0;
  let errors = 0;
  for (const e of events) {
    if (e.type === 'tool-input-available') toolCalls++;
    if (e.type === 'error' || e.type === 'tool-output-error') errors++;
  }
  return { events: events.length, toolCalls, errors };
}

/** The final answer: the run's output when it is text (or has a text field), else its last assistant text. */
export function finalAnswer(output: unknown, steps: Step[]): string {
  if (typeof output === 'string') return output;
  if (output && typeof output === 'object' && typeof (output as { text?: unknown }).text === 'string') {
    return (output as { text: string }).text;
  }
  for (let i = steps.length - 1; i >= 0; i--) {
    const items = steps[i]!.items;
    for (let j = items.length - 1; j >= 0; j--) if (items[j]!.kind === 'assistant') return items[j]!.text;
  }
  return output === null || output === undefined ? '' : JSON.stringify(output);
}
