import type { UIMessage, UIMessageChunk } from 'ai';
import { type DataChunk, isDataChunk, metadataHandlers, applyData } from './fold-metadata';
import { FoldParts, parseToolInput } from './fold-parts';
import { textHandlers } from './fold-text';
import { toolHandlers } from './fold-tools';

export { type AnyPart, cloneFoldState, type MessageFoldState, type PartialCall } from './fold-parts';

type FixedChunk = Exclude<UIMessageChunk, DataChunk>;
type Handlers = {
  [T in FixedChunk['type']]: (fold: FoldParts, chunk: Extract<FixedChunk, { type: T }>) => void;
};

/** One handler per chunk type, each given its own chunk type (a type missing here fails to compile). */
const handlers: Handlers = { ...textHandlers, ...toolHandlers, ...metadataHandlers };

function dispatch<T extends FixedChunk['type']>(fold: FoldParts, chunk: Extract<FixedChunk, { type: T }>) {
  // A stored stream may hold a type this SDK does not declare: it is skipped.
  const handler: Handlers[T] | undefined = handlers[chunk.type];
  handler?.(fold, chunk);
}

/**
 * An incremental fold of AI SDK UI-message chunks into a UIMessage, equivalent to the message
 * `readUIMessageStream` ends with (tests/unit/replay-fold.test.ts holds it to that), but linear:
 * each chunk is applied once, in place. Parts are copy-on-write (a changed part is a new object,
 * an unchanged one keeps its identity), so a snapshot is a shallow copy of the parts list and a
 * finished part never re-renders. Unlike the SDK reader, a chunk that refers to a part that does
 * not exist is skipped instead of ending the message: stored streams may be cut or out of spec.
 */
export class MessageFold extends FoldParts {
  apply(chunk: UIMessageChunk) {
    if (isDataChunk(chunk)) applyData(this, chunk);
    else dispatch(this, chunk);
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
