import type { UIMessage, UIMessageChunk } from 'ai';
import { parse as parsePartial } from 'partial-json';

/**
 * An incremental fold of AI SDK UI-message chunks into a UIMessage, equivalent to the message
 * `readUIMessageStream` ends with (tests/unit/replay-fold.test.ts holds it to that), but linear:
 * each chunk is applied once, in place. Parts are copy-on-write (a changed part is a new object,
 * an unchanged one keeps its identity), so a snapshot is a shallow copy of the parts list and a
 * finished part never re-renders. Unlike the SDK reader, a chunk that refers to a part that does
 * not exist is skipped instead of ending the message: stored streams may be cut or out of spec.
 */

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
function mergeObjects(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = mergeObjects(base[k], v);
  return out;
}

const isStaticTool = (p: AnyPart) => p.type.startsWith('tool-');
const isTool = (p: AnyPart) => p.type === 'dynamic-tool' || isStaticTool(p);
const staticToolName = (p: AnyPart) => p.type.split('-').slice(1).join('-');
const isTerminal = (state: unknown) => state === 'output-available' || state === 'output-error';

/**
 * The same text as a new, flat string. A text folded delta by delta is, in V8, a tree with a node per
 * delta (a "cons string"; at 1M events 924k of them, 18 MB, 44% of the replay tab's heap) until
 * something flattens it; a copy made through JSON is flat, so a finished part keeps only its
 * characters. (Flattening in place by reading the text as a number was dropped by the minifier.)
 */
function flatten(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}

function parseToolInput(text: string, encoding: unknown): unknown {
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

type ToolUpdate = {
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

export class MessageFold {
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

  private stepStart(): number {
    const parts = this.s.parts;
    let i = parts.length - 1;
    while (i >= 0 && parts[i]!.type !== 'step-start') i--;
    return i;
  }

  private findInStep(pred: (p: AnyPart) => boolean): number {
    const parts = this.s.parts;
    for (let i = parts.length - 1; i >= 0; i--) {
      const p = parts[i]!;
      if (p.type === 'step-start') return -1;
      if (pred(p)) return i;
    }
    return -1;
  }

  private findTool(toolCallId: string): number {
    const inStep = this.findInStep((p) => isTool(p) && p.toolCallId === toolCallId);
    if (inStep >= 0) return inStep;
    const parts = this.s.parts;
    for (let i = parts.length - 1; i >= 0; i--) {
      const p = parts[i]!;
      if (isTool(p) && p.toolCallId === toolCallId) return i;
    }
    return -1;
  }

  private setCall(id: string, call: PartialCall) {
    this.onReplaceCall?.(id, this.s.partialCalls[id]);
    this.s.partialCalls[id] = call;
  }

  private set(i: number, part: AnyPart) {
    this.onReplace?.(i, this.s.parts[i]!);
    this.s.parts[i] = part;
  }

  private updateTool(o: ToolUpdate, dynamic: boolean, existing = -1) {
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

  apply(chunk: UIMessageChunk) {
    const c = chunk as unknown as Record<string, unknown> & { type: string };
    const s = this.s;
    switch (c.type) {
      case 'text-start':
      case 'reasoning-start': {
        const text = c.type === 'text-start';
        const part: AnyPart = text
          ? { type: 'text', text: '', providerMetadata: c.providerMetadata, state: 'streaming' }
          : {
              type: 'reasoning',
              id: c.id,
              text: '',
              providerMetadata: c.providerMetadata,
              state: 'streaming',
            };
        s.parts.push(part);
        (text ? s.activeText : s.activeReasoning)[String(c.id)] = s.parts.length - 1;
        return;
      }
      case 'text-delta':
      case 'reasoning-delta': {
        const map = c.type === 'text-delta' ? s.activeText : s.activeReasoning;
        const i = map[String(c.id)];
        if (i === undefined) return;
        const p = s.parts[i]!;
        this.set(i, {
          ...p,
          text: (p.text as string) + String(c.delta ?? ''),
          providerMetadata: c.providerMetadata ?? p.providerMetadata,
        });
        return;
      }
      case 'text-end':
      case 'reasoning-end': {
        const map = c.type === 'text-end' ? s.activeText : s.activeReasoning;
        const i = map[String(c.id)];
        if (i === undefined) return;
        const p = s.parts[i]!;
        const next: AnyPart = {
          ...p,
          text: flatten(p.text as string),
          state: 'done',
          providerMetadata: c.providerMetadata ?? p.providerMetadata,
        };
        if (c.type === 'text-end' && c.citations != null) next.citations = c.citations;
        this.set(i, next);
        delete map[String(c.id)];
        return;
      }
      case 'custom':
        s.parts.push({ type: 'custom', kind: c.kind, providerMetadata: c.providerMetadata });
        return;
      case 'file':
      case 'reasoning-file':
        s.parts.push({
          type: c.type,
          mediaType: c.mediaType,
          url: c.url,
          ...(c.providerMetadata != null ? { providerMetadata: c.providerMetadata } : {}),
        });
        return;
      case 'source-url':
        s.parts.push({
          type: 'source-url',
          sourceId: c.sourceId,
          url: c.url,
          title: c.title,
          providerMetadata: c.providerMetadata,
        });
        return;
      case 'source-document':
        s.parts.push({
          type: 'source-document',
          sourceId: c.sourceId,
          mediaType: c.mediaType,
          title: c.title,
          filename: c.filename,
          providerMetadata: c.providerMetadata,
        });
        return;
      case 'steering-message':
        s.parts.push({ type: 'steering-message', id: c.id, parts: c.parts });
        return;
      case 'tool-input-start': {
        const id = String(c.toolCallId);
        this.setCall(id, {
          text: '',
          inputEncoding: c.inputEncoding,
          toolName: String(c.toolName),
          dynamic: c.dynamic as boolean | undefined,
          title: c.title,
          toolMetadata: c.toolMetadata,
        });
        this.updateTool(
          {
            toolCallId: id,
            toolName: String(c.toolName),
            state: 'input-streaming',
            inputEncoding: c.inputEncoding,
            input: undefined,
            providerExecuted: c.providerExecuted,
            title: c.title,
            toolMetadata: c.toolMetadata,
            providerMetadata: c.providerMetadata,
          },
          !!c.dynamic,
        );
        return;
      }
      case 'tool-input-delta': {
        const id = String(c.toolCallId);
        const prev = s.partialCalls[id];
        if (!prev) return;
        const call = { ...prev, text: prev.text + String(c.inputTextDelta ?? '') };
        this.setCall(id, call);
        const i = this.updateTool(
          {
            toolCallId: id,
            toolName: call.toolName,
            state: 'input-streaming',
            inputEncoding: call.inputEncoding,
            input: undefined,
            rawInput: call.text,
            title: call.title,
            toolMetadata: call.toolMetadata,
          },
          !!call.dynamic,
        );
        // Parsing the partial JSON on every delta would be quadratic in the input's length.
        if (!s.staleInput.includes(i)) s.staleInput.push(i);
        return;
      }
      case 'tool-input-available':
        this.updateTool(
          {
            toolCallId: String(c.toolCallId),
            toolName: String(c.toolName),
            state: 'input-available',
            input: c.input,
            providerExecuted: c.providerExecuted,
            providerMetadata: c.providerMetadata,
            title: c.title,
            toolMetadata: c.toolMetadata,
          },
          !!c.dynamic,
        );
        return;
      case 'tool-input-error': {
        const id = String(c.toolCallId);
        const i = this.findInStep((p) => isTool(p) && p.toolCallId === id);
        const dynamic = i >= 0 ? s.parts[i]!.type === 'dynamic-tool' : !!c.dynamic;
        this.updateTool(
          {
            toolCallId: id,
            toolName: String(c.toolName),
            state: 'output-error',
            input: c.input,
            errorText: c.errorText,
            providerExecuted: c.providerExecuted,
            providerMetadata: c.providerMetadata,
            toolMetadata: c.toolMetadata,
          },
          dynamic,
        );
        return;
      }
      case 'tool-approval-request': {
        const i = this.findTool(String(c.toolCallId));
        if (i < 0) return;
        this.set(i, {
          ...s.parts[i]!,
          state: 'approval-requested',
          approval: {
            id: c.approvalId,
            ...(c.approvalDescriptor != null ? { descriptor: c.approvalDescriptor } : {}),
            ...(Object.hasOwn(c, 'inputSchemaInput') ? { inputSchemaInput: c.inputSchemaInput } : {}),
            ...(c.reason != null ? { requestReason: c.reason } : {}),
            ...(c.isAutomatic === true ? { isAutomatic: true } : {}),
            ...(c.signature != null ? { signature: c.signature } : {}),
          },
        });
        return;
      }
      case 'tool-output-denied': {
        const i = this.findTool(String(c.toolCallId));
        if (i >= 0) this.set(i, { ...s.parts[i]!, state: 'output-denied' });
        return;
      }
      case 'tool-output-available':
      case 'tool-output-error': {
        const i = this.findTool(String(c.toolCallId));
        if (i < 0) return;
        const p = s.parts[i]!;
        const dynamic = p.type === 'dynamic-tool';
        const ok = c.type === 'tool-output-available';
        this.updateTool(
          {
            toolCallId: String(c.toolCallId),
            toolName: dynamic ? String(p.toolName) : staticToolName(p),
            state: ok ? 'output-available' : 'output-error',
            input: p.input,
            ...(ok ? { output: c.output, preliminary: c.preliminary } : { errorText: c.errorText }),
            ...(!ok && !dynamic ? { rawInput: p.rawInput } : {}),
            providerExecuted: c.providerExecuted,
            providerMetadata: c.providerMetadata,
            title: p.title,
            toolMetadata: c.toolMetadata ?? p.toolMetadata,
          },
          dynamic,
          i,
        );
        return;
      }
      case 'start-step':
        s.parts.push({ type: 'step-start' });
        return;
      case 'reset-step': {
        const from = this.stepStart() + 1;
        s.activeText = {};
        s.activeReasoning = {};
        if (this.onReplaceCall)
          for (const [id, call] of Object.entries(s.partialCalls)) this.onReplaceCall(id, call);
        s.partialCalls = {};
        s.parts.length = from;
        s.staleInput = s.staleInput.filter((i) => i < from);
        return;
      }
      case 'start':
        if (c.messageId != null) s.id = String(c.messageId);
        if (c.messageMetadata != null) s.metadata = mergeObjects(s.metadata, c.messageMetadata);
        return;
      case 'finish':
      case 'message-metadata':
        if (c.messageMetadata != null) s.metadata = mergeObjects(s.metadata, c.messageMetadata);
        return;
      case 'error':
        s.errors.push(String(c.errorText ?? 'error'));
        return;
      default: {
        if (!c.type.startsWith('data-') || c.transient) return;
        const existing = c.id != null ? s.parts.findIndex((p) => p.type === c.type && p.id === c.id) : -1;
        if (existing >= 0) this.set(existing, { ...s.parts[existing]!, data: c.data });
        else s.parts.push({ ...c });
      }
    }
  }

  /** The message as it stands: a new parts array; unchanged parts keep their identity. */
  snapshot(): UIMessage {
    const s = this.s;
    for (const i of s.staleInput) {
      const p = s.parts[i];
      if (p?.state !== 'input-streaming' || typeof p.rawInput !== 'string') continue;
      this.set(i, { ...p, input: parseToolInput(p.rawInput, p.inputEncoding) });
    }
    s.staleInput = [];
    return {
      id: s.id,
      role: 'assistant',
      metadata: s.metadata,
      parts: s.parts.slice() as UIMessage['parts'],
    };
  }
}
