import type { NewRun } from '@/db/schema';
import type { Rng } from './random';

export type DemoEvent = { seq: number; type: string; ts: Date; payload: Record<string, unknown> };

/** A run to insert with its events; `usage` feeds the usage ledger. */
export type DemoRun = {
  row: NewRun & { id: string; createdAt: Date };
  events: DemoEvent[];
  usage?: { subject: string; model: string; tokens: number; costUsd: number; at: Date };
};

/** Appends events with increasing seq and a clock that moves by realistic gaps. */
export class EventLog {
  readonly events: DemoEvent[] = [];
  private at: number;
  constructor(
    private readonly rng: Rng,
    start: Date,
  ) {
    this.at = start.getTime();
  }
  /** Moves the clock by `min..max` ms, then records the event. */
  push(type: string, payload: Record<string, unknown>, gapMs: [number, number] = [20, 80]): DemoEvent {
    this.at += this.rng.int(gapMs[0], gapMs[1]);
    const event = { seq: this.events.length, type, ts: new Date(this.at), payload };
    this.events.push(event);
    return event;
  }
  /** A chunk of the AI SDK UI message stream: the chunk itself is the payload. */
  chunk(payload: { type: string } & Record<string, unknown>, gapMs?: [number, number]): DemoEvent {
    return this.push(payload.type, payload, gapMs);
  }
  get now(): Date {
    return new Date(this.at);
  }
}

/** Price per million tokens (input, output), USD. */
export const MODELS: Record<string, [number, number]> = {
  'gpt-4o-mini': [0.15, 0.6],
  'gpt-4.1': [2, 8],
  'claude-sonnet-4': [3, 15],
  'claude-opus-4': [15, 75],
  'gemini-2.5-flash': [0.3, 2.5],
};

export function costUsd(model: string, inputTokens: number, outputTokens: number): number {
  const [inPrice, outPrice] = MODELS[model] ?? [1, 1];
  return Math.round(inputTokens * inPrice + outputTokens * outPrice) / 1e6;
}

/** What a run that ended at `at` after using these tokens adds: its row's totals and its ledger entry. */
export function endedRunUsage(u: {
  subject: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  at: Date;
}): { totals: Partial<NewRun>; usage: NonNullable<DemoRun['usage']> } {
  const tokens = u.inputTokens + u.outputTokens;
  return {
    totals: {
      endedAt: u.at,
      updatedAt: u.at,
      inputTokens: u.inputTokens,
      outputTokens: u.outputTokens,
      totalTokens: tokens,
      costUsd: u.costUsd,
    },
    usage: { subject: u.subject, model: u.model, tokens, costUsd: u.costUsd, at: u.at },
  };
}
