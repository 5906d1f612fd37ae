import { parse as parsePartial } from 'partial-json';

// The fold's state and the edits its chunk handlers make to it (fold-text, fold-tools, fold-metadata).

export type AnyPart = { type: string; [k: string]: unknown };
export type PartialCall = {
  text: string;
  inputEncoding?: unknown;
  toolName: string;
  dynamic?: boolean;
  title?: unknown;
  toolMetadata?: unknown;
};

export type MessageFoldState = {
  id: string;
  metadata: unknown;
  parts: AnyPart[];
  /** Part index of each streaming text / reasoning part by chunk id. */
  activeText: Record<string, number>;
  activeReasoning: Record<string, number>;
  partialCalls: Record<string, PartialCall>;
  /** Parts whose streamed tool input still has to be parsed (done lazily, at snapshot time). */
  staleInput: number[];
  errors: string[];
};

const emptyState = (): MessageFoldState => ({
  id: '',
  metadata: undefined,
  parts: [],
  activeText: {},
  activeReasoning: {},
  partialCalls: {},
  staleInput: [],
  errors: [],
});

export function cloneFoldState(s: MessageFoldState): MessageFoldState {
  const partialCalls: Record<string, PartialCall> = {};
  for (const [k, v] of Object.entries(s.partialCalls)) partialCalls[k] = { ...v };
  return {
    id: s.id,
    metadata: s.metadata,
    parts: s.parts.slice(),
    activeText: { ...s.activeText },
    activeReasoning: { ...s.activeReasoning },
    partialCalls,
    staleInput: s.staleInput.slice(),
    errors: s.errors.slice(),
  };
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v);

/** The SDK's metadata merge: objects merge deeply, anything else is replaced. */
export function mergeObjects(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = mergeObjects(base[k], v);
  return out;
}

export const isStaticTool = (p: AnyPart) => p.type.startsWith('tool-');
export const isTool = (p: AnyPart) => p.type === 'dynamic-tool' || isStaticTool(p);
export const staticToolName = (p: AnyPart) => p.type.split('-').slice(1).join('-');
const isTerminal = (state: unknown) => state === 'output-available' || state === 'output-error';

/**
 * The same text as a new, flat string. A text folded delta by delta is, in V8, a tree with a node per
 * delta (a "cons string"; at 1M events 924k of them, 18 MB, 44% of the replay tab's heap) until
 * something flattens it; a copy made through JSON is flat, so a finished part keeps only its
 * characters. (Flattening in place by reading the text as a number was dropped by the minifier.)
 */
export function flatten(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}

export function parseToolInput(text: string, encoding: unknown): unknown {
  if (encoding === 'text') return text;
  try {
    return JSON.parse(text);
  } catch {
    try {
      return parsePartial(text);
    } catch {
      return undefined;
    }
  }
}

export type ToolUpdate = {
  toolCallId: string;
  toolName: string;
  state: string;
  input?: unknown;
  output?: unknown;
  errorText?: unknown;
  rawInput?: unknown;
  inputEncoding?: unknown;
  preliminary?: unknown;
  providerExecuted?: unknown;
  providerMetadata?: unknown;
  title?: unknown;
  toolMetadata?: unknown;
};

/** The parts being folded and the copy-on-write edits every chunk handler makes through. */
export class FoldParts {
  s: MessageFoldState;
  /**
   * Told before a part already in the list is replaced (the part it was): lets a holder of a shared
   * prefix of the parts (the browser's checkpoints) keep what it saw. Pushes and a step's reset (which
   * only drops parts after the current step's start) are not replacements.
   */
  onReplace: ((i: number, old: AnyPart) => void) | null = null;
  /** The same for a streamed tool call's entry (copy-on-write too); `old` undefined: a new call. */
  onReplaceCall: ((id: string, old: PartialCall | undefined) => void) | null = null;

  constructor(state?: MessageFoldState) {
    this.s = state ?? emptyState();
  }

  stepStart(): number {
    const parts = this.s.parts;
    let i = parts.length - 1;
    while (i >= 0 && parts[i]!.type !== 'step-start') i--;
    return i;
  }

  findInStep(pred: (p: AnyPart) => boolean): number {
    const parts = this.s.parts;
    for (let i = parts.length - 1; i >= 0; i--) {
      const p = parts[i]!;
      if (p.type === 'step-start') return -1;
      if (pred(p)) return i;
    }
    return -1;
  }

  findTool(toolCallId: string): number {
    const inStep = this.findInStep((p) => isTool(p) && p.toolCallId === toolCallId);
    if (inStep >= 0) return inStep;
    const parts = this.s.parts;
    for (let i = parts.length - 1; i >= 0; i--) {
      const p = parts[i]!;
      if (isTool(p) && p.toolCallId === toolCallId) return i;
    }
    return -1;
  }

  setCall(id: string, call: PartialCall) {
    this.onReplaceCall?.(id, this.s.partialCalls[id]);
    this.s.partialCalls[id] = call;
  }

  set(i: number, part: AnyPart) {
    this.onReplace?.(i, this.s.parts[i]!);
    this.s.parts[i] = part;
  }

  updateTool(o: ToolUpdate, dynamic: boolean, existing = -1) {
    const idx =
      existing >= 0
        ? existing
        : this.findInStep((p) =>
            dynamic
              ? p.type === 'dynamic-tool' && p.toolCallId === o.toolCallId
              : isStaticTool(p) && p.toolCallId === o.toolCallId,
          );
    const metaKey = isTerminal(o.state) ? 'resultProviderMetadata' : 'callProviderMetadata';
    if (idx >= 0) {
      const prev = this.s.parts[idx]!;
      const next: AnyPart = {
        ...prev,
        state: o.state,
        input: o.input,
        output: o.output,
        errorText: o.errorText,
        rawInput: o.rawInput,
        preliminary: o.preliminary,
        providerExecuted: o.providerExecuted ?? prev.providerExecuted,
      };
      if (dynamic) next.toolName = o.toolName;
      else next.type = `tool-${o.toolName}`;
      if (o.inputEncoding != null) next.inputEncoding = o.inputEncoding;
      else delete next.inputEncoding;
      if (o.title !== undefined) next.title = o.title;
      if (o.toolMetadata !== undefined) next.toolMetadata = o.toolMetadata;
      if (o.providerMetadata != null) next[metaKey] = o.providerMetadata;
      this.set(idx, next);
      return idx;
    }
    const part: AnyPart = dynamic
      ? { type: 'dynamic-tool', toolName: o.toolName }
      : { type: `tool-${o.toolName}` };
    Object.assign(part, {
      toolCallId: o.toolCallId,
      state: o.state,
      title: o.title,
      input: o.input,
      output: o.output,
      rawInput: o.rawInput,
      errorText: o.errorText,
      providerExecuted: o.providerExecuted,
      preliminary: o.preliminary,
    });
    if (o.toolMetadata !== undefined) part.toolMetadata = o.toolMetadata;
    if (o.inputEncoding != null) part.inputEncoding = o.inputEncoding;
    if (o.providerMetadata != null) part[metaKey] = o.providerMetadata;
    this.s.parts.push(part);
    return this.s.parts.length - 1;
  }
}
