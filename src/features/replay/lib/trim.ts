import type { MessageFoldState } from './fold';
import type { ReplayBase } from './transcript';

type AnyPart = MessageFoldState['parts'][number];

/**
 * A replay base (a transcript checkpoint) with the open message's earliest parts left out: `?seq=N`
 * sends what is near the moment, not the ~1,000 steps of an agent's loop before it. The browser puts
 * a stand-in (`OMITTED_PART`) at each left-out position, so every part index the fold state holds
 * stays valid without rebasing, and fetches the real parts when the reader scrolls back to them.
 * Left out with them: the streamed input text of their (finished) tool calls. The one difference this
 * makes to the fold is for a stream out of spec, that sends more input for a call after its result in a
 * later step: the replay opened at a moment ignores that input, the whole replay shows it as a new part.
 */
export type TrimmedBase = ReplayBase & {
  /** The open message's parts [0, omittedParts) are not sent. */
  omittedParts?: number;
  /** How many of them are step starts (the steps after them keep their numbers). */
  omittedSteps?: number;
};

/** Stands for a part of the open message the page was not sent (the same object at every position). */
export const OMITTED_PART: AnyPart = Object.freeze({ type: 'omitted' }) as AnyPart;

const isTool = (p: AnyPart) => p.type === 'dynamic-tool' || p.type.startsWith('tool-');

/**
 * Whether no later chunk can change the part, so the fold never needs it: finished text and reasoning,
 * step starts, tool calls with their final result, parts that are only ever pushed. Data parts can be
 * replaced by id at any time, a tool call still waits for its result: those are always sent.
 */
function settled(p: AnyPart): boolean {
  if (p.type === 'text' || p.type === 'reasoning') return p.state === 'done';
  if (isTool(p))
    return (
      (p.state === 'output-available' && !p.preliminary) ||
      p.state === 'output-error' ||
      p.state === 'output-denied'
    );
  return !p.type.startsWith('data-');
}

/**
 * Leaves out the open message's parts before the last `keep`, up to the first one a later chunk could
 * still change, and never the current step (a `reset-step` truncates it; the fold looks for its start).
 */
export function trimBase(base: ReplayBase, keep: number): TrimmedBase {
  const open = base.transcript.open;
  if (!open) return base;
  const { parts } = open.state;
  let lastStep = parts.length - 1;
  while (lastStep >= 0 && parts[lastStep]!.type !== 'step-start') lastStep--;
  const limit = Math.min(parts.length - keep, lastStep);
  let n = 0;
  let steps = 0;
  while (n < limit && settled(parts[n]!)) {
    if (parts[n]!.type === 'step-start') steps++;
    n++;
  }
  if (n === 0) return base;
  // The streamed input text of the calls left out (finished calls) goes too: it is the larger share of
  // the state once a loop has made a thousand calls.
  const done = new Set<unknown>();
  for (let i = 0; i < n; i++) if (isTool(parts[i]!)) done.add(parts[i]!.toolCallId);
  const partialCalls = Object.fromEntries(
    Object.entries(open.state.partialCalls).filter(([id]) => !done.has(id)),
  );
  return {
    ...base,
    omittedParts: n,
    omittedSteps: steps,
    transcript: {
      ...base.transcript,
      open: { ...open, state: { ...open.state, parts: parts.slice(n), partialCalls } },
    },
  };
}

/** The base as the fold takes it: left-out parts back in place as stand-ins. */
export function untrimBase(base: TrimmedBase): ReplayBase {
  const n = base.omittedParts ?? 0;
  const open = base.transcript.open;
  if (!n || !open) return base;
  const parts = new Array<AnyPart>(n).fill(OMITTED_PART).concat(open.state.parts);
  return { ...base, transcript: { ...base.transcript, open: { ...open, state: { ...open.state, parts } } } };
}
